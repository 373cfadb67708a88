# CLI image for `spgd submit/watch/jobs/results` (cluster commands load no TorchSharp).
#   docker build -f deploy/docker/cli.Dockerfile -t spgd-cli:0.1.0 .
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Client/Spgd.Client.csproj -c Release -o /app

# aspnet: the client references the silo host (spgd silo/run), whose probes Kestrel serves.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble
WORKDIR /app
COPY --from=build /app .
RUN ln -s /app/spgd /usr/local/bin/spgd
USER 1654
ENTRYPOINT []
CMD ["spgd", "--help"]
