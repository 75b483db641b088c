// The one place that calls Rust. Every command returns a promise; failures reject with the
// shell's {code, message, fields, existing}, already translated.

function invoke(cmd, args) {
  const tauri = window.__TAURI__;
  if (!tauri) {
    return Promise.reject({ code: 'no_connection', message: 'Tauri IPC is not available', fields: [] });
  }
  return tauri.core.invoke(cmd, args).catch((err) => {
    if (err && typeof err === 'object' && 'code' in err) throw err;
    throw { code: 'internal', message: String(err), fields: [] };
  });
}

export const api = {
  appInfo: () => invoke('app_info'),
  setLocale: (locale) => invoke('set_locale', { locale }),
  searchCustomers: (text, includeArchived, limit) =>
    invoke('customer_search', { query: { text, include_archived: includeArchived, limit } }),
  getCustomer: (id) => invoke('customer_get', { id }),
  createCustomer: (data) => invoke('customer_create', { data }),
  updateCustomer: (id, version, data) => invoke('customer_update', { id, version, data }),
  archiveCustomer: (id) => invoke('customer_archive', { id }),
  restoreCustomer: (id) => invoke('customer_restore', { id }),
  loadDemo: (customers) => invoke('demo_load', { customers }),
  testDatabase: (address) => invoke('db_test', { address }),
  useDatabase: (address) => invoke('db_use', { address }),
};
