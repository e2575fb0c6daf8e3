// Azure resources for Sign-out Bot, deployed by `arm/deploy` in teamsapp.yml:
//   Linux App Service plan + Web App (Node 20) running the bot at https://<host>/api/messages,
//   Azure Bot (single tenant) with the Microsoft Teams channel,
//   storage account + blob container for the scale-out request store (STORAGE_BACKEND=blob).
// The Web App's settings carry the whole environment contract (DESIGN.md §2): every setting an operator
// sets in env/.env.<env> arrives here as a parameter (infra/azure.parameters.json) and becomes an app
// setting of the same name; test/unit/deploymentSettings.test.ts fails when one is missing. Secrets
// arrive as secure parameters from env/.env.<env>.user and are never written back as outputs.
// An empty parameter becomes an empty app setting, which the bot reads as unset (its default).

@maxLength(20)
@minLength(4)
@description('Base of every resource name; teamsapp.yml passes "signout" + RESOURCE_SUFFIX.')
param resourceBaseName string

@description('App Service plan SKU. Basic (B1) or above: always-on is not available on Free/Shared.')
param webAppSku string = 'B1'

param location string = resourceGroup().location
param serverfarmsName string = resourceBaseName
param webAppName string = resourceBaseName
param botServiceName string = resourceBaseName

@maxLength(42)
param botDisplayName string

@description('Client id of the bot\'s Entra app (BOT_ID).')
param botAadAppClientId string

@secure()
@description('Client secret of the bot\'s Entra app (SECRET_BOT_PASSWORD).')
param botAadAppClientSecret string

@description('Tenant of the bot\'s Entra app, which is also the tenant whose users are signed out.')
param botAadAppTenantId string

@description('Optional separate Entra app for Microsoft Graph. Empty: the bot\'s app is used.')
param graphClientId string = ''

@secure()
@description('Client secret of graphClientId. Ignored when graphClientId is empty.')
param graphClientSecret string = ''

@description('ADMIN_GROUP_ID: Entra group whose members may request sign-outs.')
param adminGroupId string = ''

@description('ADMIN_USER_IDS: comma-separated Entra object ids who may also request.')
param adminUserIds string = ''

@description('SECURITY_CHANNEL_ID: 19:...@thread.tacv2 channel for notifications.')
param securityChannelId string = ''

@description('CONFIRMATION_TTL_MINUTES: how long a confirmation card stays valid.')
param confirmationTtlMinutes string = '15'

@description('APPROVAL_POLICY: when a second admin must approve (none, privileged, bulk, always). Empty: privileged.')
param approvalPolicy string = ''

@description('BULK_APPROVAL_THRESHOLD: targets from which a request is bulk. Empty: 10.')
param bulkApprovalThreshold string = ''

@description('APPROVER_GROUP_ID: Entra group whose members may approve. Empty: the admins.')
param approverGroupId string = ''

@description('PROTECTED_USER_IDS: comma-separated object ids of break-glass accounts the bot never signs out or blocks.')
param protectedUserIds string = ''

@description('PUBLIC_URL: where admins\' browsers reach the bot, for CSV links. Empty: the Web App\'s https address.')
param publicUrl string = ''

@description('CSV_LINK_TTL_HOURS: lifetime of CSV download links, 1 to 168 hours. Empty: 24.')
param csvLinkTtlHours string = ''

@description('FOLLOW_UP_MINUTES: minutes after a sign-out at which the bot posts what the sign-in logs show, comma-separated. Empty: none.')
param followUpMinutes string = '15,90'

@description('SCHEDULE_REMINDER_MINUTES: reminder before a scheduled sign-out, 0 = none. Empty: 15.')
param scheduleReminderMinutes string = ''

@description('SCHEDULE_GRACE_MINUTES: how late a scheduled sign-out the bot missed may still start. Empty: 60.')
param scheduleGraceMinutes string = ''

@description('SCHEDULE_TICK_SECONDS: how often the bot looks for due scheduled sign-outs, 1 to 30. Empty: 10.')
param scheduleTickSeconds string = ''

@description('GRAPH_BASE_URL: Microsoft Graph root (national clouds). Empty: https://graph.microsoft.com.')
param graphBaseUrl string = ''

@description('AZURE_AUTHORITY_HOST: Entra authority (national clouds). Empty: the public cloud.')
param azureAuthorityHost string = ''

@description('CONNECTOR_TIMEOUT_SECONDS: how long each call to the Bot Connector may take. Empty: 15.')
param connectorTimeoutSeconds string = ''

@description('SHUTDOWN_GRACE_SECONDS: from stop to exit, below WEBSITES_CONTAINER_STOP_TIME_LIMIT. Empty: 20.')
param shutdownGraceSeconds string = ''

@description('GRAPH_MAX_PAUSE_SECONDS: the longest pause a Graph Retry-After may impose on a bulk job. Empty: 300.')
param graphMaxPauseSeconds string = ''

@description('RISKY_USERS_POLL_SECONDS: how often Identity Protection is read for risky users; 0 = off. Empty: 300.')
param riskyUsersPollSeconds string = ''

@description('RISKY_USERS_MIN_LEVEL: the lowest risk level that gets a card (low, medium, high). Empty: high.')
param riskyUsersMinLevel string = ''

@description('LOG_LEVEL: pino log level. Empty: info.')
param logLevel string = ''

@description('Blob container of the scale-out request store.')
param blobContainerName string = 'signout-requests'

// Storage account names: 3-24 lowercase letters and digits, globally unique.
var storageAccountName = 'st${uniqueString(resourceGroup().id, resourceBaseName)}'
var useBotAppForGraph = empty(graphClientId)

resource serverfarm 'Microsoft.Web/serverfarms@2022-09-01' = {
  name: serverfarmsName
  location: location
  kind: 'linux'
  sku: {
    name: webAppSku
  }
  properties: {
    reserved: true // Linux
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: true // the bot connects with a connection string
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource blobContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-01-01' = {
  parent: blobService
  name: blobContainerName
  properties: {
    publicAccess: 'None'
  }
}

var storageConnectionString = 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'npm start'
      alwaysOn: true
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      healthCheckPath: '/healthz'
    }
  }
}

// The bot's environment. A resource of its own, so that PUBLIC_URL can default to the Web App's own
// address. It replaces every app setting on each provision: change settings in env/.env.<env>.
resource webAppSettings 'Microsoft.Web/sites/config@2022-09-01' = {
  parent: webApp
  name: 'appsettings'
  properties: {
    WEBSITE_RUN_FROM_PACKAGE: '1' // the zip from `teamsapp deploy` is mounted read-only as wwwroot
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'false' // built and pruned before upload
    NODE_ENV: 'production'
    // A bounded heap: V8 otherwise sizes it from the machine's memory and lets garbage pile up to
    // hundreds of MB under load. 256 MB holds the largest job, and a 4 MB young generation keeps its
    // peak under 300 MB; see docs/decisions.md (issue 15).
    NODE_OPTIONS: '--max-old-space-size=256 --max-semi-space-size=4'
    BOT_ID: botAadAppClientId
    BOT_PASSWORD: botAadAppClientSecret
    BOT_TENANT_ID: botAadAppTenantId
    BOT_TYPE: 'SingleTenant'
    AZURE_TENANT_ID: botAadAppTenantId
    AZURE_CLIENT_ID: useBotAppForGraph ? botAadAppClientId : graphClientId
    AZURE_CLIENT_SECRET: useBotAppForGraph ? botAadAppClientSecret : graphClientSecret
    AZURE_AUTHORITY_HOST: azureAuthorityHost
    GRAPH_BASE_URL: graphBaseUrl
    ADMIN_GROUP_ID: adminGroupId
    ADMIN_USER_IDS: adminUserIds
    SECURITY_CHANNEL_ID: securityChannelId
    CONFIRMATION_TTL_MINUTES: confirmationTtlMinutes
    APPROVAL_POLICY: approvalPolicy
    BULK_APPROVAL_THRESHOLD: bulkApprovalThreshold
    APPROVER_GROUP_ID: approverGroupId
    PROTECTED_USER_IDS: protectedUserIds
    PUBLIC_URL: empty(publicUrl) ? 'https://${webApp.properties.defaultHostName}' : publicUrl
    CSV_LINK_TTL_HOURS: csvLinkTtlHours
    FOLLOW_UP_MINUTES: followUpMinutes
    SCHEDULE_REMINDER_MINUTES: scheduleReminderMinutes
    SCHEDULE_GRACE_MINUTES: scheduleGraceMinutes
    SCHEDULE_TICK_SECONDS: scheduleTickSeconds
    DATA_DIR: '/home/data' // /home persists across restarts and is shared by instances
    STORAGE_BACKEND: 'blob'
    AZURE_STORAGE_CONNECTION_STRING: storageConnectionString
    AZURE_STORAGE_CONTAINER_NAME: blobContainer.name
    CONNECTOR_TIMEOUT_SECONDS: connectorTimeoutSeconds
    SHUTDOWN_GRACE_SECONDS: shutdownGraceSeconds
    GRAPH_MAX_PAUSE_SECONDS: graphMaxPauseSeconds
    RISKY_USERS_POLL_SECONDS: riskyUsersPollSeconds
    RISKY_USERS_MIN_LEVEL: riskyUsersMinLevel
    // App Service waits 5 s after SIGTERM by default; the bot needs SHUTDOWN_GRACE_SECONDS (20)
    WEBSITES_CONTAINER_STOP_TIME_LIMIT: '30'
    LOG_LEVEL: logLevel
  }
}

// Keep the container's stdout (the bot's JSON log) for `az webapp log tail` and the Log stream.
resource webAppLogs 'Microsoft.Web/sites/config@2022-09-01' = {
  parent: webApp
  name: 'logs'
  properties: {
    applicationLogs: {
      fileSystem: {
        level: 'Information'
      }
    }
    httpLogs: {
      fileSystem: {
        enabled: true
        retentionInDays: 7
        retentionInMb: 35
      }
    }
  }
}

// Azure Bot: routes Teams traffic to the Web App. Single tenant, as new multi-tenant bots can no
// longer be created.
resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botServiceName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: 'F0'
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: botAadAppClientId
    msaAppTenantId: botAadAppTenantId
    msaAppType: 'SingleTenant'
  }
}

resource botServiceMsTeamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

// Persisted by the toolkit in env/.env.<env> (names upper-cased as written). No secrets here.
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output BOT_AZURE_STORAGE_ACCOUNT_NAME string = storage.name
