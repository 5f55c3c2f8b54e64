-- Windows logins for the gMSAs of contoso.com, for SQL Server 2012 or later.
-- Written by the wincontainers.gmsa.credential_specs role; changes to this file are overwritten.
-- Containers running as Network Service or Local System connect as their gMSA with Integrated Security=True.
-- Run it with sysadmin (or ALTER ANY LOGIN and the databases' db_owner) rights; it only creates what is missing
-- and can be run again.

-- spec-web (prod): gMSA SpecWeb
IF NOT EXISTS (SELECT 1 FROM sys.server_principals WHERE name = N'CONTOSO\SpecWeb$')
    CREATE LOGIN [CONTOSO\SpecWeb$] FROM WINDOWS WITH DEFAULT_DATABASE = [Music]]Store];
GO
USE [Music]]Store];
GO
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'SpecWeb')
    CREATE USER [SpecWeb] FOR LOGIN [CONTOSO\SpecWeb$];
GO
ALTER ROLE [db_datareader] ADD MEMBER [SpecWeb];
ALTER ROLE [db_datawriter] ADD MEMBER [SpecWeb];
GO

-- spec-svc (prod): gMSA SpecSvc
IF NOT EXISTS (SELECT 1 FROM sys.server_principals WHERE name = N'CONTOSO\SpecSvc$')
    CREATE LOGIN [CONTOSO\SpecSvc$] FROM WINDOWS WITH DEFAULT_DATABASE = [Orders];
GO
USE [Orders];
GO
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'SpecSvc')
    CREATE USER [SpecSvc] FOR LOGIN [CONTOSO\SpecSvc$];
GO
