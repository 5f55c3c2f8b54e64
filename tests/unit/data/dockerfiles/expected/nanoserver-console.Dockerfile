FROM mcr.microsoft.com/dotnet/runtime:8.0-nanoserver-ltsc2022

WORKDIR /app
COPY ./publish/ .
# managed by wincontainers.gmsa.dockerfile_identity (sha256:faf10e748316)
USER "NT AUTHORITY\NETWORK SERVICE"

ENV DOTNET_gcServer=1 \
    Reports__OutputShare=\\\\fs01.contoso.com\\reports

ENTRYPOINT ["dotnet", "Contoso.Reports.dll"]
