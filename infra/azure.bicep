// Azure resources for Sign-out Bot, deployed by `arm/deploy` in teamsapp.yml:
//   Linux App Service plan + Web App (Node 20) running the bot at https://<host>/api/messages,
//   Azure Bot (single tenant) with the Microsoft Teams channel,
//   storage account + blob container for the scale-out request store (STORAGE_BACKEND=blob).
// The Web App's settings carry the whole environment contract (DESIGN.md §2). Secrets arrive as
// secure parameters from env/.env.<env>.user and are never written back as outputs.

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
      appSettings: [
        {
          name: 'WEBSITE_RUN_FROM_PACKAGE'
          value: '1' // the zip from `teamsapp deploy` is mounted read-only as wwwroot
        }
        {
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'false' // built and pruned before upload
        }
        {
          name: 'NODE_ENV'
          value: 'production'
        }
        {
          name: 'BOT_ID'
          value: botAadAppClientId
        }
        {
          name: 'BOT_PASSWORD'
          value: botAadAppClientSecret
        }
        {
          name: 'BOT_TENANT_ID'
          value: botAadAppTenantId
        }
        {
          name: 'BOT_TYPE'
          value: 'SingleTenant'
        }
        {
          name: 'AZURE_TENANT_ID'
          value: botAadAppTenantId
        }
        {
          name: 'AZURE_CLIENT_ID'
          value: useBotAppForGraph ? botAadAppClientId : graphClientId
        }
        {
          name: 'AZURE_CLIENT_SECRET'
          value: useBotAppForGraph ? botAadAppClientSecret : graphClientSecret
        }
        {
          name: 'ADMIN_GROUP_ID'
          value: adminGroupId
        }
        {
          name: 'ADMIN_USER_IDS'
          value: adminUserIds
        }
        {
          name: 'SECURITY_CHANNEL_ID'
          value: securityChannelId
        }
        {
          name: 'CONFIRMATION_TTL_MINUTES'
          value: confirmationTtlMinutes
        }
        {
          name: 'DATA_DIR'
          value: '/home/data' // /home persists across restarts and is shared by instances
        }
        {
          name: 'STORAGE_BACKEND'
          value: 'blob'
        }
        {
          name: 'AZURE_STORAGE_CONNECTION_STRING'
          value: storageConnectionString
        }
        {
          name: 'AZURE_STORAGE_CONTAINER_NAME'
          value: blobContainer.name
        }
        {
          name: 'LOG_LEVEL'
          value: 'info'
        }
      ]
    }
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
