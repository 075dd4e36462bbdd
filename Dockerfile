# The long-running ChillFlow task (the assembler) on the official Deno image.
# `docker compose up` passes the task name as the command; any other task runs the same way.
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
