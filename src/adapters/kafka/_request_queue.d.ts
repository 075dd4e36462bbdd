// The part of kafkajs's internal RequestQueue that _request_queue_fix.ts patches.
declare class RequestQueue {
  scheduleCheckPendingRequests(): void;
}
export default RequestQueue;
