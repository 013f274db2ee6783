# The KnowledgePlatform server (REST API), with the kp CLI for `kp db migrate`. Build from the repository root:
#   docker build -f deploy/docker/server.Dockerfile -t knowledgeplatform/server .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The image's architecture (amd64, arm64), set by BuildKit; without it, the build machine's.
ARG TARGETARCH
WORKDIR /src
COPY . .
# Compiled ahead of time (ReadyToRun) for that architecture: the server is ready sooner and kp commands start faster
# than when the JIT compiler does all of it at run time (decision 171).
RUN arch=${TARGETARCH:-$(dpkg --print-architecture)} \
 && dotnet publish src/KnowledgePlatform.Server -c Release -a $arch --self-contained false -p:PublishReadyToRun=true -o /app \
 && dotnet publish src/KnowledgePlatform.Cli -c Release -a $arch --self-contained false -p:PublishReadyToRun=true -o /cli

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# curl serves the container health check.
RUN apt-get update && apt-get install -y --no-install-recommends curl tesseract-ocr tesseract-ocr-eng poppler-utils && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
COPY --from=build /cli /cli
COPY samples /samples
ENV ASPNETCORE_URLS=http://+:5080 \
    Storage__DataPath=/data \
    Demo__SamplesPath=/samples
VOLUME /data
EXPOSE 5080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD curl -fsS http://localhost:5080/health/live || exit 1
ENTRYPOINT ["dotnet", "KnowledgePlatform.Server.dll"]
