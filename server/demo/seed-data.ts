// The `--demo` directory: a few roles, groups, users and one API backend that reference the demo
// catalog by action id and each other by name. Plain specs, no I/O: server/demo-seed.ts turns
// names into ids while it creates the objects.

export interface DemoRoleSpec {
  name: string;
  description: string;
  actions: string[];
}

export interface DemoGroupSpec {
  name: string;
  description: string;
  /** Role names. */
  defaultRoles: string[];
}

export interface DemoUserSpec {
  name: string;
  email: string;
  /** Group names. */
  groups: string[];
  /** Demo-only password for self-service (HTTP Basic); never use these outside a demo. */
  password: string;
}

export interface DemoSubSettingSpec {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'ANY';
  pathRegex: string;
  /** Role names. */
  requiredRoles: string[];
  override: boolean;
}

export interface DemoBackendSpec {
  name: string;
  frontendPrefix: string;
  /** Role names. */
  requiredRoles: string[];
  subSettings: DemoSubSettingSpec[];
}

export interface DemoDirectory {
  roles: DemoRoleSpec[];
  groups: DemoGroupSpec[];
  users: DemoUserSpec[];
  backends: DemoBackendSpec[];
}

const BILLING_READ = [
  'GetInvoices',
  'GetInvoice',
  'GetInvoicePdf',
  'GetBillableItems',
  'GetCreditNotes',
  'GetTransactions',
  'GetTransaction',
  'GetCurrencies',
  'GetTaxRules',
];
const CLIENT_READ = [
  'GetClients',
  'GetClientsDetails',
  'GetClientsProducts',
  'GetClientsDomains',
  'GetClientsAddons',
  'GetContacts',
  'GetContactDetails',
];

export function demoDirectory(): DemoDirectory {
  return {
    roles: [
      {
        name: 'Billing read-only',
        description: 'Read invoices, transactions and revenue reports; change nothing.',
        actions: [...BILLING_READ, 'GetClients', 'GetClientsDetails', 'GetRevenueReport', 'GetAgingInvoices', 'GetTaxReport'],
      },
      {
        name: 'Billing clerk',
        description: 'Create and send invoices and record payments.',
        actions: [
          ...BILLING_READ,
          'CreateInvoice',
          'UpdateInvoice',
          'AddInvoicePayment',
          'SendInvoice',
          'SendInvoiceReminder',
          'AddBillableItem',
          'ApplyCredit',
          'AddTransaction',
        ],
      },
      {
        name: 'Support agent',
        description: 'Answer tickets and look up the client behind them.',
        actions: [
          ...CLIENT_READ,
          'OpenTicket',
          'GetTickets',
          'GetTicket',
          'UpdateTicket',
          'AddTicketReply',
          'AddTicketNote',
          'GetTicketNotes',
          'GetTicketAttachment',
          'GetTicketCounts',
          'GetTicketPredefinedCats',
          'GetTicketPredefinedReplies',
          'GetSupportDepartments',
          'GetSupportStatuses',
          'AssignTicket',
          'GetKnowledgebaseArticles',
          'GetKnowledgebaseArticle',
          'GetInvoices',
        ],
      },
      {
        name: 'Provisioning',
        description: 'Create, suspend and change accounts on servers; manage domains at the registrar.',
        actions: [
          'GetService',
          'UpdateClientProduct',
          'ModuleCreate',
          'ModuleSuspend',
          'ModuleUnsuspend',
          'ModuleTerminate',
          'ModuleChangePackage',
          'ModuleChangePw',
          'GetModuleQueue',
          'RetryModuleQueueItem',
          'GetServers',
          'GetServer',
          'GetHealthStatus',
          'TestServerConnection',
          'DomainRegister',
          'DomainTransfer',
          'DomainRenew',
          'DomainGetNameservers',
          'DomainUpdateNameservers',
          'DomainSync',
          'GetDomain',
        ],
      },
      {
        name: 'Reseller',
        description: 'Sign up clients, place orders and look after their domains and services.',
        actions: [
          ...CLIENT_READ,
          'AddClient',
          'UpdateClient',
          'AddContact',
          'UpdateContact',
          'AddOrder',
          'GetOrders',
          'GetOrder',
          'CalculateCart',
          'GetProducts',
          'GetProduct',
          'GetProductPricing',
          'GetTLDPricing',
          'DomainWhois',
          'GetDomainSuggestions',
          'ValidatePromoCode',
          'GetInvoices',
          'GetInvoice',
          'CapturePayment',
        ],
      },
      {
        name: 'Order desk',
        description: 'Review new orders: accept, hold or reject them and run fraud checks.',
        actions: [
          'GetOrders',
          'GetOrder',
          'AcceptOrder',
          'CancelOrder',
          'FraudOrder',
          'PendingOrder',
          'OrderFraudCheck',
          'GetOrderStatuses',
          'UpdateOrderNotes',
          'GetClientsDetails',
        ],
      },
    ],
    groups: [
      { name: 'Finance', description: 'Accounting and billing staff', defaultRoles: ['Billing read-only', 'Billing clerk'] },
      { name: 'Support', description: 'First- and second-line support', defaultRoles: ['Support agent'] },
      { name: 'Operations', description: 'Hosting operations and on-call engineers', defaultRoles: ['Provisioning'] },
      { name: 'Resellers', description: 'Partners who sell our hosting under their own brand', defaultRoles: ['Reseller'] },
    ],
    users: [
      { name: 'alice', email: 'alice@example.com', groups: ['Finance'], password: 'demo-alice-password' },
      { name: 'bob', email: 'bob@example.com', groups: ['Support'], password: 'demo-bob-password' },
      { name: 'carol', email: 'carol@example.com', groups: ['Operations', 'Support'], password: 'demo-carol-password' },
      { name: 'dave', email: 'dave@example.net', groups: ['Resellers'], password: 'demo-dave-password' },
      { name: 'erin', email: 'erin@example.com', groups: ['Finance', 'Operations'], password: 'demo-erin-password' },
      { name: 'frank', email: 'frank@example.org', groups: [], password: 'demo-frank-password' },
    ],
    backends: [
      {
        name: 'Billing API',
        frontendPrefix: '/billing-api',
        requiredRoles: ['Billing read-only'],
        subSettings: [
          // Writes to invoices also need the clerk role.
          { method: 'POST', pathRegex: '^/billing-api/invoices(/|$)', requiredRoles: ['Billing clerk'], override: false },
          // The reseller storefront replaces the billing requirement entirely.
          { method: 'ANY', pathRegex: '^/billing-api/storefront(/|$)', requiredRoles: ['Reseller'], override: true },
        ],
      },
      {
        name: 'Provisioning API',
        frontendPrefix: '/provisioning-api',
        requiredRoles: ['Provisioning'],
        subSettings: [{ method: 'GET', pathRegex: '^/provisioning-api/status$', requiredRoles: ['Support agent'], override: true }],
      },
    ],
  };
}
