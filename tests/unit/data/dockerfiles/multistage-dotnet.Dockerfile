ARG WINDOWS_VERSION=ltsc2022

# Build with the .NET Framework SDK
FROM mcr.microsoft.com/dotnet/framework/sdk:4.8-windowsservercore-${WINDOWS_VERSION} AS build
WORKDIR /src

# Restore first so that the package layer is cached
COPY *.sln .
COPY Contoso.Portal/*.csproj ./Contoso.Portal/
COPY Contoso.Portal/packages.config ./Contoso.Portal/
RUN nuget restore

COPY Contoso.Portal/. ./Contoso.Portal/
WORKDIR /src/Contoso.Portal
RUN msbuild /p:Configuration=Release /p:DeployOnBuild=true /p:PublishProfile=FolderProfile -r:False


# Run on IIS
FROM mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-${WINDOWS_VERSION} AS runtime
WORKDIR /inetpub/wwwroot
COPY --from=build /src/Contoso.Portal/bin/app.publish/. ./
