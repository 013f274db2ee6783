# The KnowledgePlatform server. Build from the repository root:
#   docker build -f deploy/docker/server.Dockerfile -t knowledgeplatform/server .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/KnowledgePlatform.Server -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY samples /samples
ENV ASPNETCORE_URLS=http://+:5080 \
    Storage__DataPath=/data \
    Demo__SamplesPath=/samples
VOLUME /data
EXPOSE 5080
ENTRYPOINT ["dotnet", "KnowledgePlatform.Server.dll"]
