FROM mcr.microsoft.com/dotnet/runtime:8.0-nanoserver-ltsc2022

WORKDIR /app
COPY ./publish/ .

ENV DOTNET_gcServer=1 \
    Reports__OutputShare=\\\\fs01.contoso.com\\reports

ENTRYPOINT ["dotnet", "Contoso.Reports.dll"]
