import { join } from "node:path";
import { ChillFlowError } from "../../errors.ts";

// Kafka's legal topic characters; they are also safe as file names.
const NAME = /^[A-Za-z0-9._-]{1,200}$/;

/** Where everything of one file bus lives. */
export class Layout {
  constructor(readonly dir: string) {}

  topicDir(topic: string): string {
    return join(this.dir, "topics", _checked("topic", topic));
  }
  topicMeta(topic: string): string {
    return join(this.topicDir(topic), "topic.json");
  }
  topicLock(topic: string): string {
    return join(this.topicDir(topic), ".lock");
  }
  partitionLog(topic: string, partition: number): string {
    return join(this.topicDir(topic), `${partition}.log`);
  }
  groupsDir(): string {
    return join(this.dir, "groups");
  }
  groupTopicDir(group: string, topic: string): string {
    return join(this.groupsDir(), _checked("group", group), "offsets", _checked("topic", topic));
  }
  offsetFile(group: string, topic: string, partition: number): string {
    return join(this.groupTopicDir(group, topic), `${partition}.json`);
  }
  partitionLock(group: string, topic: string, partition: number): string {
    return join(this.groupTopicDir(group, topic), `${partition}.lock`);
  }
  membersDir(group: string): string {
    return join(this.groupsDir(), _checked("group", group), "members");
  }
}

function _checked(what: string, name: string): string {
  if (!NAME.test(name) || name === "." || name === "..") {
    throw new ChillFlowError(
      "CF_BUS",
      `Invalid ${what} name "${name}": use 1-200 characters of A-Z a-z 0-9 . _ -`,
    );
  }
  return name;
}
