# The model host: an OpenAI-compatible server for GGUF models on CPU (LLamaSharp) and the embedding model.
#   docker build -f deploy/docker/modelhost.Dockerfile -t knowledgeplatform/modelhost .
#   docker run -p 8000:8000 -v $PWD/models:/models:ro knowledgeplatform/modelhost --model /models/model.gguf
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# One runtime: only linux-x64's llama.cpp builds (noavx, avx, avx2, avx512; picked at start) go in the image, compiled
# ahead of time (ReadyToRun, decision 171).
RUN dotnet publish src/KnowledgePlatform.ModelHost -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV Urls=http://+:8000
EXPOSE 8000
ENTRYPOINT ["dotnet", "KnowledgePlatform.ModelHost.dll"]
