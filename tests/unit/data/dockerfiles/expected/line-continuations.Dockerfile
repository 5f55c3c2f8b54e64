FROM mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022

# IIS features, the app pool and the site, in one layer
RUN dism /online /enable-feature /all /norestart \
        /featurename:IIS-ASPNET45 \
        /featurename:IIS-WindowsAuthentication \
    && %windir%\system32\inetsrv\appcmd.exe add apppool \
        /name:"Contoso Intranet" \
        /managedRuntimeVersion:v4.0 \
        /managedPipelineMode:Integrated \
    # the site gets its own binding on 8080
    && %windir%\system32\inetsrv\appcmd.exe add site \
        /name:Intranet \
        /bindings:http/*:8080: \
        /physicalPath:C:\inetpub\intranet \
    && %windir%\system32\inetsrv\appcmd.exe set app "Intranet/" \
        /applicationPool:"Contoso Intranet"

COPY intranet/ C:/inetpub/intranet/

RUN icacls C:\inetpub\intranet /grant "IIS AppPool\Contoso Intranet:(OI)(CI)RX" \
    && icacls C:\inetpub\logs /grant "IIS AppPool\Contoso Intranet:(OI)(CI)M"
# managed by wincontainers.gmsa.dockerfile_identity (sha256:ddccff3a3bc5)
RUN ["C:\\Windows\\System32\\inetsrv\\appcmd.exe", "set", "apppool", "Contoso Intranet", "/processModel.identityType:NetworkService"]

EXPOSE 8080
