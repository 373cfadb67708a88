# Silo image. Build from the repository root:
#   docker build -f deploy/docker/silo.Dockerfile -t spgd-silo:0.1.0-cpu .
#   docker build -f deploy/docker/silo.Dockerfile --build-arg TORCH_BACKEND=cuda \
#     --build-arg RUNTIME_BASE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 -t spgd-silo:0.1.0-cuda .
# Model checkpoints are mounted at /models (or read from blob storage), never baked in.
ARG RUNTIME_BASE=mcr.microsoft.com/dotnet/aspnet:10.0-noble
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
ARG TORCH_BACKEND=cpu
WORKDIR /src
COPY . .
RUN dotnet publish src/Silo/Spgd.Silo.csproj -c Release -p:TorchBackend=${TORCH_BACKEND} -o /app

FROM ${RUNTIME_BASE}
# The CUDA base has no .NET: install the ASP.NET Core runtime there (Kestrel serves the probes). jemalloc: the silo re-executes itself with it preloaded
# (libtorch's CPU tensors are much faster on it than on glibc malloc; see NativeAllocator).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libjemalloc2 \
    && if ! command -v dotnet >/dev/null; then apt-get install -y --no-install-recommends aspnetcore-runtime-10.0; fi \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
EXPOSE 11111 30000 8080
USER 1654
ENTRYPOINT ["dotnet", "Spgd.Silo.dll"]
