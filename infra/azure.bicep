// Social Media Desk: everything the bot needs in one resource group.
//
//   user-assigned managed identity  -> the bot's identity (Bot Framework) and its storage identity
//   Storage account (tables only)   -> all state; shared keys disabled, the identity gets
//                                      "Storage Table Data Contributor" on the account
//   App Service plan + Web App      -> Linux, Node 22 LTS, Always On (the scheduler runs in the bot process)
//   Azure Bot + Microsoft Teams     -> msaAppType UserAssignedMSI (no client secret anywhere)
//   Log Analytics + App Insights    -> logs and telemetry; the table service's reads, writes and deletes
//   availability test + alert rules -> /healthz from five places, 5xx responses, scheduler stalled,
//                                      no heartbeat; one action group (email: `alertEmail`)
//   CanNotDelete lock               -> on the storage account, which holds the AINM register
//
// Deployed by `atk provision` (Microsoft 365 Agents Toolkit CLI; teamsapp.yml, arm/deploy, with
// azure.parameters.json) or by `az deployment group create --template-file infra/azure.bicep --parameters resourceBaseName=...`.
// Outputs in CAPITALS are written by the toolkit into env/.env.<environment>.

@minLength(4)
@maxLength(20)
@description('Base name for every resource (lower-case letters, digits and hyphens): the web app is https://<resourceBaseName>.azurewebsites.net and the bot handle is <resourceBaseName>, so it must be globally unique.')
param resourceBaseName string

@description('Azure region for everything except the Azure Bot registration, which is global.')
param location string = resourceGroup().location

@maxLength(42)
@description('Name of the Azure Bot registration as shown in the Azure portal.')
param botDisplayName string = 'Social Media Desk'

@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'P0v3'
  'P1v3'
])
@description('App Service plan size. B1 is enough for one organisation; P0v3 for zone-level reliability and autoscale.')
param webAppSku string = 'B1'

@minValue(1)
@maxValue(10)
@description('Number of bot instances (App Service scale-out). Instances are stateless; the scheduler and the outbox relay are safe with several. B1-B3 allow at most 3.')
param instanceCount int = 1

@allowed([
  'F0'
  'S1'
])
@description('Azure Bot pricing tier. Microsoft Teams is a standard channel: F0 is enough.')
param botServiceSku string = 'F0'

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
@description('Storage redundancy for the tables. Standard_ZRS (or GZRS) where the region has availability zones.')
param storageSku string = 'Standard_LRS'

@maxLength(31)
@description('Optional prefix for every table name (letters and digits, starting with a letter), so several deployments can share one storage account. Empty: the plain names.')
param tablePrefix string = ''

@description('Comma-separated Microsoft Entra tenant ids whose Teams activities the bot accepts. Empty: the tenant of this subscription.')
param allowedTenantIds string = ''

@description('The client id of the dashboard tab\'s Microsoft Entra app registration (AAD_APP_CLIENT_ID, made by aadApp/create from aad.manifest.json): the audience of the tab\'s Teams SSO tokens. The bot\'s managed identity cannot be it: it exposes no API.')
@minLength(36)
@maxLength(36)
param dashboardClientId string
@minValue(1)
@maxValue(50)
@description('Policy campaign cards a second, shared by every instance: Teams allows about 50 a second per bot per tenant (CAMPAIGN_SENDS_PER_SECOND).')
param campaignSendsPerSecond int = 48

@allowed([
  'fatal'
  'error'
  'warn'
  'info'
  'debug'
  'trace'
  'silent'
])
@description('Log level. Logs carry references and ids, never card contents or free text. The "scheduler stalled" and "no heartbeat" alerts read info lines: above info they fire.')
param logLevel string = 'info'

@minValue(1)
@maxValue(50)
@description('Years after closure before an AINM record\'s free text and identities are purged.')
param ainmRetentionYears int = 3

@minValue(1)
@maxValue(120)
@description('Months after closure before an access request\'s free text and identities are purged (UK GDPR storage limitation).')
param accessRequestRetentionMonths int = 24

@minValue(1)
@maxValue(120)
@description('Months after closure before a takedown notice\'s free text and identities are purged (UK GDPR storage limitation).')
param takedownRetentionMonths int = 24

@description('Where the policy card\'s "Read the full policy" opens (https): the Social Media Policy\'s page on Holmes.')
param policyUrl string = 'https://www.wheatley-group.com/social-media-policy'

@description('The Employee Assistance Programme (https), a link button on every AINM receipt and urgent reply.')
param eapUrl string = 'https://livewell.optum.com'

@description('The Holmes page with the full support details (https), a link button beside the EAP.')
param holmesUrl string = 'https://holmes.wheatley-group.com'

@description('Optional: a support phone number shown with the EAP (digits, spaces, a leading +). Empty: none shown.')
param supportPhone string = ''

@minValue(5)
@maxValue(1440)
@description('Minutes (clock time, nights and weekends included) before an urgent report not yet acknowledged is escalated.')
param urgentEscalationMinutes int = 60

@description('Optional: the Group\'s AINM register endpoint (https). Empty: no webhook.')
param ainmWebhookUrl string = ''

@description('Optional: extra non-working days, comma-separated ISO dates, e.g. 2026-12-24,2026-12-31.')
param closureDays string = ''

@description('Optional: object id of the person or group who seeds the staff directory and exports the register (`az ad signed-in-user show --query id -o tsv`). They get Storage Table Data Contributor on the account too.')
param operatorPrincipalId string = ''

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
@description('What operatorPrincipalId is.')
param operatorPrincipalType string = 'User'

@description('Set to true once an administrator has granted the managed identity the Microsoft Graph application permissions listed in graphApplicationPermissions (admin consent: infra/README.md, "Microsoft Graph permissions"). Sets GRAPH_AUTH=managedIdentity.')
param graphPermissionsGranted bool = false

@allowed([
  'off'
  'entra'
])
@description('entra: sync the staff directory (people, managers, leavers, roles from groups) from Entra ID once a day through Microsoft Graph (README, "Directory from Entra ID"); needs the Graph permissions.')
param directorySync string = 'off'

@description('Optional, with directorySync entra: only this department (the Entra user property). Empty: everyone, or directoryGroupId.')
param directoryDepartment string = ''

@description('Optional, with directorySync entra: only the members of this Entra group (object id). Empty: everyone, or directoryDepartment.')
param directoryGroupId string = ''

@description('Optional, with directorySync entra: the Entra group (object id) whose members are the Communications Team. Empty: the directory keeps whoever has the role.')
param directoryGroupComms string = ''

@description('Optional, with directorySync entra: the Entra group (object id) of the Incident team (Health and Safety).')
param directoryGroupIncident string = ''

@description('Optional, with directorySync entra: the Entra group (object id) of the desk\'s administrators.')
param directoryGroupAdmin string = ''

@description('Optional, with directorySync entra: the Entra group (object id) of the safeguarding leads.')
param directoryGroupSafeguarding string = ''

@description('Optional, with directorySync entra: the Entra group (object id) of IT security.')
param directoryGroupItSecurity string = ''

@minValue(30)
@maxValue(730)
@description('Days the Log Analytics workspace keeps logs.')
param logRetentionDays int = 30

@description('Optional: the email address (a person or a shared mailbox) the alerts are sent to. Empty: the alerts still fire and show in the Azure portal (Monitor > Alerts), but nobody is emailed.')
param alertEmail string = ''

// "Storage Table Data Contributor": read, write and delete tables and entities (data plane, Entra auth).
var tableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
// "Storage Queue Data Contributor": the policy campaigns' queue (<prefix>campaigns), created by the bot at start-up.
var queueDataContributorRoleId = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
// The tables of src/store/tables.ts TABLE_NAMES (the bot also creates any that are missing at start-up).
var tableNames = [
  'cases'
  'inbox'
  'timers'
  'conversations'
  'directory'
  'counters'
  'idempotency'
  'statistics'
  'campaignrecipients'
]
var storageAccountName = 'st${uniqueString(resourceGroup().id, resourceBaseName)}'
// No trailing slash: the bot's AZURE_TABLES_ACCOUNT_URL is the bare account endpoint.
var tableEndpoint = 'https://${storageAccountName}.table.${environment().suffixes.storage}'
var appPort = '8080'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: resourceBaseName
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: storageSku
  }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for tableName in tableNames: {
  parent: tableService
  name: '${tablePrefix}${tableName}'
}]

// The bot's identity may use the tables: no account keys, no connection string.
resource identityTableAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, tableDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataContributorRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// The bot's identity may use the campaign queue: every instance reads it (src/store/campaign-queue.ts).
resource identityQueueAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, queueDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueDataContributorRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Optional: the operator who runs `npm run seed` / `npm run export:ainm` against this account with their own login.
resource operatorTableAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(storage.id, operatorPrincipalId, tableDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataContributorRoleId)
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
  }
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: resourceBaseName
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: resourceBaseName
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'Node.JS'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: resourceBaseName
  location: location
  kind: 'linux'
  sku: {
    name: webAppSku
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

// The web app's host name (its defaultHostName, which the web app's own settings cannot refer to): the dashboard
// tab is served there and its SSO tokens' audience is api://<this host>/<app id>.
var webAppHostName = toLower('${resourceBaseName}.azurewebsites.net')

// Every environment variable src/config.ts reads in production (test/infra/template.test.ts checks it).
var requiredAppSettings = [
  {
    name: 'MICROSOFT_APP_ID'
    value: identity.properties.clientId
  }
  {
    name: 'MICROSOFT_APP_TYPE'
    value: 'UserAssignedMSI'
  }
  {
    name: 'MICROSOFT_APP_TENANT_ID'
    value: identity.properties.tenantId
  }
  {
    name: 'AZURE_CLIENT_ID'
    value: identity.properties.clientId
  }
  {
    name: 'AZURE_TABLES_ACCOUNT_URL'
    value: tableEndpoint
  }
  {
    name: 'HOST'
    value: '0.0.0.0'
  }
  {
    name: 'PORT'
    value: appPort
  }
  {
    name: 'WEBSITES_PORT'
    value: appPort
  }
  {
    name: 'BOT_DOMAIN'
    value: webAppHostName
  }
  {
    name: 'DASHBOARD_CLIENT_ID'
    value: dashboardClientId
  }
  {
    name: 'ALLOWED_TENANT_IDS'
    value: empty(allowedTenantIds) ? subscription().tenantId : allowedTenantIds
  }
  {
    name: 'LOG_LEVEL'
    value: logLevel
  }
  {
    name: 'CAMPAIGN_SENDS_PER_SECOND'
    value: string(campaignSendsPerSecond)
  }
  {
    name: 'POLICY_URL'
    value: policyUrl
  }
  {
    name: 'EAP_URL'
    value: eapUrl
  }
  {
    name: 'HOLMES_URL'
    value: holmesUrl
  }
  {
    name: 'SUPPORT_PHONE'
    value: supportPhone
  }
  {
    name: 'URGENT_ESCALATION_MINUTES'
    value: string(urgentEscalationMinutes)
  }
  {
    name: 'AINM_RETENTION_YEARS'
    value: string(ainmRetentionYears)
  }
  {
    name: 'ACCESS_REQUEST_RETENTION_MONTHS'
    value: string(accessRequestRetentionMonths)
  }
  {
    name: 'TAKEDOWN_RETENTION_MONTHS'
    value: string(takedownRetentionMonths)
  }
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: appInsights.properties.ConnectionString
  }
  {
    name: 'ApplicationInsightsAgent_EXTENSION_VERSION'
    value: '~3'
  }
  {
    // `teamsapp deploy` / `az webapp deploy` upload a built zip: run it as is, no build on the server.
    name: 'WEBSITE_RUN_FROM_PACKAGE'
    value: '1'
  }
  {
    name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
    value: 'false'
  }
]
var tablePrefixSetting = empty(tablePrefix) ? [] : [
  {
    name: 'TABLE_PREFIX'
    value: tablePrefix
  }
]
var closureDaysSetting = empty(closureDays) ? [] : [
  {
    name: 'CLOSURE_DAYS'
    value: closureDays
  }
]
var ainmWebhookSetting = empty(ainmWebhookUrl) ? [] : [
  {
    name: 'AINM_WEBHOOK_URL'
    value: ainmWebhookUrl
  }
]

// Microsoft Graph application permissions (app roles of Microsoft Graph, appId 00000003-0000-0000-c000-000000000000)
// the managed identity needs, each granted once by an administrator (admin consent): infra/README.md says how.
// User.Read.All: people, managers, disabled accounts (directory sync); GroupMember.Read.All: the role and filter
// groups' members (directory sync); TeamsAppInstallation.ReadWriteForUser.All: installing the app for a person
// a policy campaign cannot reach yet (campaigns).
var graphApplicationPermissions = [
  'User.Read.All'
  'GroupMember.Read.All'
  'TeamsAppInstallation.ReadWriteForUser.All'
]
var graphSetting = (graphPermissionsGranted || directorySync == 'entra') ? [
  {
    name: 'GRAPH_AUTH'
    value: 'managedIdentity'
  }
] : []
var directorySyncSettings = directorySync == 'entra' ? [
  {
    name: 'DIRECTORY_SYNC'
    value: directorySync
  }
  {
    name: 'DIRECTORY_DEPARTMENT'
    value: directoryDepartment
  }
  {
    name: 'DIRECTORY_GROUP_ID'
    value: directoryGroupId
  }
  {
    name: 'DIRECTORY_GROUP_COMMS'
    value: directoryGroupComms
  }
  {
    name: 'DIRECTORY_GROUP_INCIDENT'
    value: directoryGroupIncident
  }
  {
    name: 'DIRECTORY_GROUP_ADMIN'
    value: directoryGroupAdmin
  }
  {
    name: 'DIRECTORY_GROUP_SAFEGUARDING'
    value: directoryGroupSafeguarding
  }
  {
    name: 'DIRECTORY_GROUP_IT_SECURITY'
    value: directoryGroupItSecurity
  }
] : []

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: resourceBaseName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Stateless instances: no ARR affinity cookie, any instance answers any request.
    clientAffinityEnabled: false
    siteConfig: {
      // Node 22 LTS (20 reaches end of life in April 2026); package.json "engines" accepts 20.19+ and 22+.
      linuxFxVersion: 'NODE|22-lts'
      // The scheduler (reminders, escalations, expiries) and the outbox relay run inside the bot process.
      alwaysOn: true
      // V8's old generation capped as in package.json "start:bot": the live heap is about 75 MB, and uncapped V8 lets a
      // burst of turns grow the process to 2-2.7 times the floor's memory before it collects (bench/NOTES.md, "Memory").
      appCommandLine: 'node --max-old-space-size=192 dist/src/index.js'
      healthCheckPath: '/healthz'
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      appSettings: concat(requiredAppSettings, tablePrefixSetting, closureDaysSetting, ainmWebhookSetting, graphSetting, directorySyncSettings)
    }
  }
  dependsOn: [
    identityTableAccess
    tables
  ]
}

// No FTP deployment credentials.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: webApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

// The bot's stdout (pino JSON), HTTP and platform logs into the workspace.
resource webAppDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs-to-workspace'
  scope: webApp
  properties: {
    workspaceId: workspace.id
    logs: [
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

// The storage account holds the AINM register, kept for ainmRetentionYears after closure: no one deletes the
// account (or the resource group) by accident. Remove the lock on purpose first (README.md, "Deploy to Azure").
resource storageLock 'Microsoft.Authorization/locks@2020-05-01' = {
  name: 'keep-ainm-records'
  scope: storage
  properties: {
    level: 'CanNotDelete'
    notes: 'Holds the AINM register and case records under their retention periods. Remove this lock only to retire the service, after exporting the register.'
  }
}

// Who read, wrote or deleted which table rows, and the transaction metrics, into the workspace (StorageTableLogs).
resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'table-access-to-workspace'
  scope: tableService
  properties: {
    workspaceId: workspace.id
    logs: [
      {
        category: 'StorageRead'
        enabled: true
      }
      {
        category: 'StorageWrite'
        enabled: true
      }
      {
        category: 'StorageDelete'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

// ---------------------------------------------------------------------------------------------------
// Alerts. Every rule notifies the one action group; with no alertEmail it has no receiver and the alerts
// only show in the portal (Monitor > Alerts). Receivers added in the portal are replaced on the next provision.

resource alertGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${resourceBaseName}-alerts'
  location: 'global'
  properties: {
    groupShortName: 'smdesk'
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [
      {
        name: 'operator'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

// GET https://<web app>/healthz every 5 minutes from five European locations (standard test, TLS checked).
resource healthTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: '${resourceBaseName}-healthz'
  location: location
  kind: 'standard'
  tags: {
    // Links the test to the Application Insights resource (required, or the portal shows it orphaned).
    'hidden-link:${appInsights.id}': 'Resource'
  }
  properties: {
    Name: '${resourceBaseName} /healthz'
    SyntheticMonitorId: '${resourceBaseName}-healthz'
    Kind: 'standard'
    Enabled: true
    Frequency: 300
    Timeout: 30
    RetryEnabled: true
    Locations: [
      {
        Id: 'emea-gb-db3-azr'
      }
      {
        Id: 'emea-se-sto-edge'
      }
      {
        Id: 'emea-nl-ams-azr'
      }
      {
        Id: 'emea-ru-msa-edge'
      }
      {
        Id: 'emea-fr-pra-edge'
      }
    ]
    Request: {
      RequestUrl: 'https://${webApp.properties.defaultHostName}/healthz'
      HttpVerb: 'GET'
      ParseDependentRequests: false
      FollowRedirects: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource healthTestAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${resourceBaseName}-healthz-failing'
  location: 'global'
  properties: {
    description: 'GET /healthz failed from at least 2 of 5 locations: the bot is down or unreachable.'
    severity: 1
    enabled: true
    scopes: [
      healthTest.id
      appInsights.id
    ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: healthTest.id
      componentId: appInsights.id
      failedLocationCount: 2
    }
    actions: [
      {
        actionGroupId: alertGroup.id
      }
    ]
  }
}

resource serverErrorAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${resourceBaseName}-http-5xx'
  location: 'global'
  properties: {
    description: 'More than 5 responses with a 5xx status in 5 minutes (Http5xx): failing turns or storage faults; see AppServiceConsoleLogs.'
    severity: 2
    enabled: true
    scopes: [
      webApp.id
    ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    targetResourceType: 'Microsoft.Web/sites'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          name: 'http5xx'
          criterionType: 'StaticThresholdCriterion'
          metricNamespace: 'Microsoft.Web/sites'
          metricName: 'Http5xx'
          operator: 'GreaterThan'
          threshold: 5
          timeAggregation: 'Total'
        }
      ]
    }
    actions: [
      {
        actionGroupId: alertGroup.id
      }
    ]
  }
}

// The bot's stdout reaches AppServiceConsoleLogs through webAppDiagnostics. `summarize count()` always returns
// one row (0 when nothing was logged), so "fewer than 1" is evaluated even when the window is empty.
var consoleLogsOfWebApp = 'AppServiceConsoleLogs | where _ResourceId =~ "${webApp.id}"'
// src/scheduler/scheduler.ts logs {"event":"scheduler.tick"} at info at most every 5 minutes while it ticks.
var schedulerTickFilter = '| where ResultDescription contains "scheduler.tick"'

resource schedulerStalledAlert 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${resourceBaseName}-scheduler-stalled'
  location: location
  kind: 'LogAlert'
  properties: {
    displayName: 'Scheduler stalled'
    description: 'No scheduler heartbeat (scheduler.tick) for 15 minutes: reminders, escalations, expiries and the retention purge are not running.'
    severity: 2
    enabled: true
    scopes: [
      workspace.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: '${consoleLogsOfWebApp} ${schedulerTickFilter} | summarize ticks = count()'
          metricMeasureColumn: 'ticks'
          timeAggregation: 'Total'
          operator: 'LessThan'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    // A new workspace has no AppServiceConsoleLogs rows until the bot has logged: do not reject the query for that.
    skipQueryValidation: true
    actions: {
      actionGroups: [
        alertGroup.id
      ]
    }
  }
  dependsOn: [
    webAppDiagnostics
  ]
}

resource noHeartbeatAlert 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${resourceBaseName}-no-heartbeat'
  location: location
  kind: 'LogAlert'
  properties: {
    displayName: 'No heartbeat'
    description: 'Not one console log line from the bot for 15 minutes: the process is down, restarting in a loop, or its logs no longer arrive.'
    severity: 1
    enabled: true
    scopes: [
      workspace.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: '${consoleLogsOfWebApp} | summarize lines = count()'
          metricMeasureColumn: 'lines'
          timeAggregation: 'Total'
          operator: 'LessThan'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    // A new workspace has no AppServiceConsoleLogs rows until the bot has logged: do not reject the query for that.
    skipQueryValidation: true
    actions: {
      actionGroups: [
        alertGroup.id
      ]
    }
  }
  dependsOn: [
    webAppDiagnostics
  ]
}

// The Azure Bot registration, authenticated by the managed identity (multi-tenant registrations are deprecated).
resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: resourceBaseName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: botServiceSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppType: 'UserAssignedMSI'
    msaAppId: identity.properties.clientId
    msaAppTenantId: identity.properties.tenantId
    msaAppMSIResourceId: identity.id
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
  }
}

// Written into env/.env.<environment> by `teamsapp provision`; BOT_ID and BOT_DOMAIN fill appPackage/manifest.json.
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output AZURE_TABLES_ACCOUNT_URL string = tableEndpoint
output STORAGE_ACCOUNT_RESOURCE_ID string = storage.id
// For the admin consent step (infra/README.md): the identity's service principal and the Graph permissions it needs.
output BOT_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
output GRAPH_APPLICATION_PERMISSIONS string = join(graphApplicationPermissions, ',')
