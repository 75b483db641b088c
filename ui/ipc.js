// The one place that calls Rust. Every command returns a promise; failures reject with the
// shell's {code, message, fields, existing}, already translated.

function invoke(cmd, args, options) {
  const tauri = window.__TAURI__;
  if (!tauri) {
    return Promise.reject({ code: 'no_connection', message: 'Tauri IPC is not available', fields: [] });
  }
  return tauri.core.invoke(cmd, args, options).catch((err) => {
    if (err && typeof err === 'object' && 'code' in err) throw err;
    throw { code: 'internal', message: String(err), fields: [] };
  });
}

/** A channel the shell reports long work's progress on ({stage, done, total}). */
function progressChannel(onProgress) {
  const channel = new window.__TAURI__.core.Channel();
  channel.onmessage = (p) => onProgress?.(p);
  return channel;
}

export const api = {
  appInfo: () => invoke('app_info'),
  setLocale: (locale) => invoke('set_locale', { locale }),
  searchCustomers: (text, includeArchived, limit, ownerId = null, tier = null) =>
    invoke('customer_search', { query: { text, include_archived: includeArchived, limit, owner_id: ownerId, tier } }),
  getCustomer: (id) => invoke('customer_get', { id }),
  createCustomer: (data) => invoke('customer_create', { data }),
  updateCustomer: (id, version, data) => invoke('customer_update', { id, version, data }),
  archiveCustomer: (id) => invoke('customer_archive', { id }),
  restoreCustomer: (id) => invoke('customer_restore', { id }),
  loadDemo: (customers, key, onProgress) =>
    invoke('demo_load', { customers, key, onProgress: progressChannel(onProgress) }),
  testDatabase: (address) => invoke('db_test', { address }),
  users: () => invoke('users_list'),
  createUser: (data) => invoke('user_create', { data }),
  chooseUser: (userId) => invoke('user_choose', { userId }),
  setColdDays: (days) => invoke('cold_days_set', { days }),
  people: (customerId) => invoke('people_list', { customerId }),
  createPerson: (customerId, data) => invoke('person_create', { customerId, data }),
  updatePerson: (id, version, data) => invoke('person_update', { id, version, data }),
  logContact: (customerId, data) => invoke('contact_log', { customerId, data }),
  correctContact: (id, version, data) => invoke('contact_correct', { id, version, data }),
  history: (customerId, filter) => invoke('contact_history', { customerId, filter }),
  revisions: (id) => invoke('contact_revisions', { id }),
  agenda: (userId) => invoke('agenda_get', { userId }),
  completeAction: (contactId, outcome, followUp) => invoke('action_complete', { contactId, outcome, followUp }),
  goingCold: (ownerId) => invoke('going_cold', { ownerId }),
  materials: (customerId) => invoke('material_list', { customerId }),
  addMaterial: (customerId, data) => invoke('material_add', { customerId, data }),
  updateMaterial: (customerId, id, version, data) => invoke('material_update', { customerId, id, version, data }),
  deleteMaterial: (id) => invoke('material_delete', { id }),
  useDatabase: (address) => invoke('db_use', { address }),
  customFields: () => invoke('custom_fields_list'),
  defineField: (data) => invoke('custom_field_define', { data }),
  updateField: (id, version, data) => invoke('custom_field_update', { id, version, data }),
  reorderFields: (ids) => invoke('custom_fields_reorder', { ids }),
  /** Sends a file's bytes as the raw body; the name travels percent-encoded in a header. */
  attachFile: (contactId, name, bytes) =>
    invoke('attachment_add', bytes, { headers: { 'x-contact': String(contactId), 'x-name': encodeURIComponent(name) } }),
  openAttachment: (id) => invoke('attachment_open', { id }),
  fleet: (customerId) => invoke('fleet_get', { customerId }),
  addFleetLine: (customerId, data) => invoke('fleet_line_add', { customerId, data }),
  updateFleetLine: (id, version, data) => invoke('fleet_line_update', { id, version, data }),
  deleteFleetLine: (id) => invoke('fleet_line_delete', { id }),
  fleetSettings: () => invoke('fleet_settings_get'),
  saveFleetSettings: (settings) => invoke('fleet_settings_save', { settings }),
  marketShare: () => invoke('market_share'),
  renewalRadar: (query) => invoke('renewal_radar', { query }),
  segments: () => invoke('segments'),
  segmentsRanking: () => invoke('segments_ranking'),
  segmentPreview: (filter, limit) => invoke('segment_preview', { filter, limit }),
  createSegment: (data) => invoke('segment_create', { data }),
  updateSegment: (id, version, data) => invoke('segment_update', { id, version, data }),
  deleteSegment: (id, version) => invoke('segment_delete', { id, version }),
  exportSegment: (filter, file) => invoke('segment_export', { filter, file }),
  campaigns: () => invoke('campaigns_list'),
  createCampaign: (data) => invoke('campaign_create', { data }),
  updateCampaign: (id, version, data) => invoke('campaign_update', { id, version, data }),
  startCampaign: (id, version) => invoke('campaign_start', { id, version }),
  campaignTargets: (id) => invoke('campaign_targets', { id }),
  campaignRespond: (campaignId, customerId, response) => invoke('campaign_respond', { campaignId, customerId, response }),
  campaignActions: (userId) => invoke('campaign_actions', { userId }),
  exportMailingList: (id) => invoke('campaign_mailing_export', { id }),
  plans: () => invoke('plans_get'),
  savePlans: (settings) => invoke('plans_save', { settings }),
  planStatus: (ownerId) => invoke('plan_status', { ownerId }),
  competitors: () => invoke('competitors_list'),
  createCompetitor: (data) => invoke('competitor_create', { data }),
  updateCompetitor: (id, version, data) => invoke('competitor_update', { id, version, data }),
  customerCompetitors: (customerId) => invoke('customer_competitors', { customerId }),
  noteCompetitor: (customerId, competitorId, present) => invoke('competitor_note', { customerId, competitorId, present }),
  addSighting: (customerId, data) => invoke('sighting_add', { customerId, data }),
  deleteSighting: (id) => invoke('sighting_delete', { id }),
  backups: () => invoke('backup_list'),
  setBackupFolder: (folder) => invoke('backup_folder_set', { folder }),
  backupNow: () => invoke('backup_now'),
  newestGoodBackup: () => invoke('backup_newest_good'),
  restoreBackup: (path) => invoke('backup_restore', { path }),
  /** The history of changes of a record: entity "customer" or "person". */
  changes: (entity, id) => invoke('changes_list', { entity, id }),
  /** After a save refused as a conflict: the record as stored now and how the form differs. */
  saveConflict: (entity, id, base, mine) => invoke('save_conflict', { entity, id, base, mine }),
  stages: () => invoke('stages_get'),
  saveStages: (settings) => invoke('stages_save', { settings }),
  reasons: () => invoke('reasons_get'),
  saveReasons: (settings) => invoke('reasons_save', { settings }),
  createDeal: (customerId, data, stageId = null) => invoke('deal_create', { customerId, data, stageId }),
  startDeal: (customerId, vehicles) => invoke('deal_start', { customerId, vehicles }),
  updateDeal: (id, version, data) => invoke('deal_update', { id, version, data }),
  moveDeal: (id, version, request) => invoke('deal_move', { id, version, request }),
  dealView: (id) => invoke('deal_view', { id }),
  deals: (query) => invoke('deals_list', { query }),
  offerSettings: () => invoke('offer_settings_get'),
  letterhead: () => invoke('letterhead_get'),
  saveLetterhead: (letterhead) => invoke('letterhead_save', { letterhead }),
  offerPrintCheck: (id) => invoke('offer_print_check', { id }),
  saveOfferPdf: (id) => invoke('offer_pdf_save', { id }),
  openOfferPdf: (id) => invoke('offer_pdf_open', { id }),
  saveVisitPack: (day, userId) => invoke('visit_pack_save', { day, userId }),
  saveOfferSettings: (settings) => invoke('offer_settings_save', { settings }),
  priceItems: (query) => invoke('price_items_list', { query }),
  savePriceItem: (id, version, data, retired) => invoke('price_item_save', { id, version, data, retired }),
  importPriceList: (bytes) => invoke('price_list_import', bytes),
  newOffer: (customerId, dealId = null) => invoke('offer_new', { customerId, dealId }),
  offerLine: (itemId, language, quantity) => invoke('offer_line', { itemId, language, quantity }),
  offerTotals: (data) => invoke('offer_totals', { data }),
  /** `key` names this new offer's save, so a save sent twice makes one offer. */
  createOffer: (data, key) => invoke('offer_create', { data, key }),
  updateOffer: (id, version, data) => invoke('offer_update', { id, version, data }),
  offerView: (id) => invoke('offer_view', { id }),
  offers: (query) => invoke('offers_list', { query }),
  exchangeProfiles: () => invoke('exchange_profiles'),
  exchangeFields: (entity) => invoke('exchange_fields', { entity }),
  saveExchangeProfile: (id, version, data) => invoke('exchange_profile_save', { id, version, data }),
  deleteExchangeProfile: (id) => invoke('exchange_profile_delete', { id }),
  /** Asks where to save (null when cancelled), then exports. */
  exportProfile: (name, full, file, onProgress) =>
    invoke('exchange_export', { name, full, file, onProgress: progressChannel(onProgress) }),
  chooseImportFile: () => invoke('exchange_choose_file'),
  previewImport: (path, entity, settings, encoding, delimiter, sheet) =>
    invoke('exchange_preview', { path, entity, settings, encoding, delimiter, sheet }),
  checkImport: (path, options, onProgress) =>
    invoke('exchange_check', { path, options, onProgress: progressChannel(onProgress) }),
  runImport: (path, options, onProgress) =>
    invoke('exchange_import', { path, options, onProgress: progressChannel(onProgress) }),
  /** Stops the check or import under way: it then fails with the code `cancelled`. */
  cancelImport: () => invoke('exchange_cancel'),
  openRejected: (path) => invoke('exchange_open_rejected', { path }),
  sendOffer: (id, version) => invoke('offer_send', { id, version }),
  reviseOffer: (id) => invoke('offer_revise', { id }),
  decideOffer: (id, version, decision) => invoke('offer_decide', { id, version, decision }),
  discardOffer: (id, version) => invoke('offer_discard', { id, version }),
  board: (ownerId, currency) => invoke('board_get', { ownerId, currency }),
  funnel: (query) => invoke('funnel_get', { query }),
  stalled: (ownerId) => invoke('stalled_list', { ownerId }),
  forecastAccuracy: (ownerId, currency) => invoke('forecast_accuracy', { ownerId, currency }),
  createLead: (customerId, data) => invoke('lead_create', { customerId, data }),
  leads: (openOnly, ownerId, customerId) => invoke('leads_list', { openOnly, ownerId, customerId }),
  qualifyLead: (id, version, data) => invoke('lead_qualify', { id, version, data }),
  disqualifyLead: (id, version, reason) => invoke('lead_disqualify', { id, version, reason }),
  leadFunnel: (query) => invoke('lead_funnel', { query }),
  /** A report: kind (e.g. "activity") and {from, to, currency, owner_id, customer_id}. */
  report: (kind, query) => invoke('report_get', { kind, query }),
  /** Asks where to save the report as CSV and writes it; null when the person cancels. */
  reportExport: (kind, query, file) => invoke('report_export', { kind, query, file }),
  homeCountry: () => invoke('home_country_get'),
  setHomeCountry: (code) => invoke('home_country_set', { code }),
  costSettings: () => invoke('cost_settings_get'),
  saveCostSettings: (settings) => invoke('cost_settings_save', { settings }),
  pyramidSettings: () => invoke('pyramid_settings_get'),
  rankCustomers: (settings) => invoke('pyramid_rank', { settings }),
  customerTier: (customerId) => invoke('customer_tier_get', { customerId }),
};
