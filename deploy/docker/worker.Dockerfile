# The KnowledgePlatform ingestion worker: claims jobs from the shared PostgreSQL queue and runs the
# pipeline (extract, chunk, embed, index). Build from the repository root:
#   docker build -f deploy/docker/worker.Dockerfile -t knowledgeplatform/worker .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The image's architecture (amd64, arm64), set by BuildKit; without it, the build machine's.
ARG TARGETARCH
WORKDIR /src
COPY . .
# Compiled ahead of time (ReadyToRun) for that architecture, so a new worker spends less of its start in the JIT compiler (decision 171).
RUN arch=${TARGETARCH:-$(dpkg --print-architecture)} \
 && dotnet publish src/KnowledgePlatform.Worker -c Release -a $arch --self-contained false -p:PublishReadyToRun=true -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update && apt-get install -y --no-install-recommends curl tesseract-ocr tesseract-ocr-eng poppler-utils && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
# Health (/health/live, /health/ready) and /metrics on 5081.
ENV ASPNETCORE_URLS=http://+:5081 \
    Storage__DataPath=/data
VOLUME /data
EXPOSE 5081
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD curl -fsS http://localhost:5081/health/live || exit 1
ENTRYPOINT ["dotnet", "KnowledgePlatform.Worker.dll"]
