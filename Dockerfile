# The long-running ChillFlow tasks (assembler, API) on the official Deno image.
# `docker compose up` passes the task name (assemble, serve) as the command.
FROM denoland/deno:2.9.6

WORKDIR /app
# Dependencies first, so source edits do not re-download them.
COPY deno.json deno.lock ./
RUN deno install --frozen

COPY . .
RUN deno cache tasks/*.ts && mkdir -p .chillflow && chown -R deno:deno /app/.chillflow

USER deno
ENTRYPOINT ["deno", "task"]
CMD ["assemble"]
