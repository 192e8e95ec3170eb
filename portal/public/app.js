// The sample citizen portal: plain DOM, no framework, no build step. Every GraphQL request is a trusted
// document: {"documentId": "sha256:…", "operationName", "variables"} with the id from documents.json (made by
// portal/documents.ts from portal/operations/*.graphql); the page never sends query text.
import { LANGUAGES, LOCALES, t } from './i18n.js';

const LANG_KEY = 'region-graph.portal.lang';
const USER_KEY = 'region-graph.portal.user';
/** Read log entries per page ("more" asks for the next page). */
const READS_PAGE = 10;
const ZONE = 'Europe/Helsinki';

const $ = (selector) => document.querySelector(selector);

const state = {
  lang: initialLanguage(),
  /** @type {{ endpoint: string, identity: { tokenEndpoint: string, users: { id: string, label: string }[] } | null } | null} */
  config: null,
  /** @type {Record<string, string>} operation name → documentId */
  documents: {},
  /** @type {{ id: string, label: string } | null} */
  user: null,
  token: null,
  tokenExpiresAt: 0,
  /** @type {Map<string, Map<string, { fi: string, sv: string }>>} code list name → code → labels */
  labels: new Map(),
  labelsFailure: null,
  year: helsinkiYear(),
  /** Each view's last answer: { data, errors } or { failure: { key, params } }. */
  appointments: null,
  fees: null,
  children: null,
  reads: { edges: [], pageInfo: null, result: null, moreResult: null },
  /** Answers of an older round (another language, signed out) are dropped. */
  generation: 0,
};

// ---------------------------------------------------------------------------------------------- helpers

/** An element: `h('p', { class: 'x', lang: 'fi' }, 'text', child, [more])`; null and false children are skipped. */
function h(tag, attributes = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const tr = (key, params) => t(state.lang, key, params);
const locale = () => LOCALES[state.lang];

function initialLanguage() {
  try {
    const saved = window.localStorage.getItem(LANG_KEY);
    if (LANGUAGES.includes(saved)) return saved;
  } catch {
    /* storage off: fall through */
  }
  const preferred = (navigator.languages ?? [navigator.language]).map((l) => String(l).slice(0, 2).toLowerCase());
  return preferred.find((l) => LANGUAGES.includes(l)) ?? 'fi';
}

function helsinkiYear() {
  return Number(new Intl.DateTimeFormat('en', { timeZone: ZONE, year: 'numeric' }).format(new Date()));
}

/** An instant (ISO 8601 with offset) as Helsinki time, with the weekday. */
function formatInstant(iso) {
  return new Intl.DateTimeFormat(locale(), {
    timeZone: ZONE,
    weekday: 'short',
    day: 'numeric',
    month: 'numeric',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  }).format(new Date(iso));
}

/** A calendar date YYYY-MM-DD. */
function formatDate(date) {
  const [y, m, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat(locale(), { timeZone: 'UTC', day: 'numeric', month: 'numeric', year: 'numeric' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

function formatMoney(cents) {
  return new Intl.NumberFormat(locale(), { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

/** The label of a code from the API's code lists in the chosen language; the code itself when the list lacks it. */
function label(list, code) {
  if (code === null || code === undefined) return tr('unknown');
  const labels = state.labels.get(list)?.get(code);
  if (labels) return labels[state.lang];
  const own = `${list === 'AccessOutcome' ? 'outcome' : list}.${code}`;
  const fallback = tr(own);
  return fallback === own ? code : fallback;
}

/** A municipality's name in the chosen language. */
function municipalityName(m) {
  if (!m) return tr('unknown');
  return (state.lang === 'sv' ? m.nameSv : m.nameFi) || m.nameFi || m.code;
}

/** A unit's name in the chosen language, from the organisation register; the source's own name when the register has none. */
function unitName(unit) {
  if (!unit) return tr('unknown');
  return (state.lang === 'sv' ? unit.nameSv : unit.nameFi) || unit.name;
}

/** A fee's description: the Swedish one (or the fee kind's label) in Swedish, the source's text otherwise. */
function feeDescription(fee) {
  if (state.lang === 'sv') {
    if (fee.descriptionSv) return h('span', {}, fee.descriptionSv);
    if (fee.kind && state.labels.get('FeeKind')?.has(fee.kind)) return h('span', {}, label('FeeKind', fee.kind));
    // Only the source's Finnish text exists: say so to assistive technology.
    return h('span', { lang: 'fi' }, fee.description);
  }
  return h('span', {}, fee.description);
}

/** A demo user's name and place, e.g. "Ilona Rantala (Porvoo)", from the provider's English label. */
function displayName(user) {
  const name = user.label.split(',')[0].trim();
  const place = /\(([^)]+)\)\s*$/.exec(user.label)?.[1];
  return place ? `${name} (${place})` : name;
}

// ---------------------------------------------------------------------------------------------- transport

async function fetchToken(userId) {
  const url = new URL(state.config.identity.tokenEndpoint, window.location.href);
  url.searchParams.set('as', userId);
  const res = await window.fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = await res.json();
  state.token = body.token;
  state.tokenExpiresAt = Date.parse(body.expiresAt);
}

/** The current token, fetched again a minute before it expires. */
async function bearer() {
  if (!state.user) return null;
  if (!state.token || state.tokenExpiresAt - Date.now() < 60_000) await fetchToken(state.user.id);
  return state.token;
}

/**
 * Runs one of the portal's operations as a trusted document, in the chosen language (Accept-Language).
 * Resolves to { data, errors } or { failure: { key, params } } (network, or an answer that is not GraphQL).
 */
async function run(operationName, variables = {}, { signedIn = true } = {}) {
  const documentId = state.documents[operationName];
  const headers = { 'content-type': 'application/json', accept: 'application/json', 'accept-language': state.lang };
  try {
    if (signedIn) headers.authorization = `Bearer ${await bearer()}`;
  } catch {
    return { failure: { key: 'errorUnauthenticated' }, unauthenticated: true };
  }
  let res;
  try {
    res = await window.fetch(state.config.endpoint, {
      method: 'POST',
      headers,
      body: JSON.stringify({ documentId, operationName, variables }),
      cache: 'no-store',
    });
  } catch {
    return { failure: { key: 'errorNetwork' } };
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  if (!body || typeof body !== 'object' || (body.data === undefined && !Array.isArray(body.errors))) {
    return { failure: { key: 'errorHttp', params: { status: res.status } } };
  }
  const errors = Array.isArray(body.errors) ? body.errors : [];
  return {
    data: body.data ?? null,
    errors,
    unauthenticated: errors.some((e) => e?.extensions?.code === 'UNAUTHENTICATED'),
  };
}

// ---------------------------------------------------------------------------------------------- sign-in

function renderSignIn() {
  const select = $('#user');
  const users = state.config?.identity?.users ?? [];
  const selected = select.value;
  select.replaceChildren(...users.map((u) => h('option', { value: u.id }, displayName(u))));
  if (selected) select.value = selected;
  const available = users.length > 0;
  $('#sign-in-button').disabled = !available;
  select.disabled = !available;
}

async function signIn(userId, { focus }) {
  const user = state.config?.identity?.users.find((u) => u.id === userId);
  if (!user) return;
  setStatus(tr('signingIn'));
  clearAlert();
  try {
    state.user = user;
    await fetchToken(user.id);
  } catch (err) {
    state.user = null;
    setStatus('');
    showAlert(tr('errorSignIn', { reason: err.message || String(err) }));
    return;
  }
  try {
    window.sessionStorage.setItem(USER_KEY, user.id);
  } catch {
    /* storage off */
  }
  $('#sign-in').hidden = true;
  $('#content').hidden = false;
  $('#sections-nav').hidden = false;
  $('#session').hidden = false;
  renderSession();
  // The form that had focus is gone: focus moves to the start of the content.
  if (focus) $('#main').focus();
  await loadAll();
}

function signOut(messageKey) {
  state.generation++;
  state.user = null;
  state.token = null;
  state.appointments = state.fees = state.children = null;
  state.reads = { edges: [], pageInfo: null, result: null, moreResult: null };
  try {
    window.sessionStorage.removeItem(USER_KEY);
  } catch {
    /* storage off */
  }
  for (const id of ['appointments', 'fees', 'children', 'reads']) {
    $(`#${id} .body`).replaceChildren();
    $(`#${id} .notices`).replaceChildren();
  }
  $('#reads-more').hidden = true;
  $('#content').hidden = true;
  $('#sections-nav').hidden = true;
  $('#session').hidden = true;
  $('#sign-in').hidden = false;
  setStatus('');
  clearAlert();
  if (messageKey) showAlert(tr(messageKey));
  $('#user').focus();
}

function renderSession() {
  $('#signed-in-as').textContent = state.user ? tr('signedInAs', { name: displayName(state.user) }) : '';
}

// ---------------------------------------------------------------------------------------------- loading

function setStatus(text) {
  $('#status').textContent = text;
}

function showAlert(text) {
  $('#alert').replaceChildren(h('p', { class: 'error' }, text));
}

function clearAlert() {
  $('#alert').replaceChildren();
}

async function loadLabels() {
  const result = await run('PortalCodeLists', {}, { signedIn: false });
  if (result.failure || !result.data?.codeLists) {
    state.labelsFailure = result;
    return;
  }
  state.labelsFailure = null;
  state.labels = new Map(result.data.codeLists.map((list) => [list.name, new Map(list.codes.map((c) => [c.code, c]))]));
}

/** Asks every view again (after sign-in and on a change of language: server messages come in that language). */
async function loadAll() {
  const generation = ++state.generation;
  state.year = helsinkiYear();
  setStatus(tr('loading'));
  $('#content').setAttribute('aria-busy', 'true');
  const [, appointments, fees, children, reads] = await Promise.all([
    state.labels.size > 0 ? null : loadLabels(),
    run('PortalAppointments', { first: 10 }),
    run('PortalFees', { year: state.year }),
    run('PortalChildren', { first: 10 }),
    run('PortalDataReads', { first: READS_PAGE }),
  ]);
  if (generation !== state.generation) return;
  $('#content').removeAttribute('aria-busy');
  if ([appointments, fees, children, reads].some((r) => r.unauthenticated)) {
    signOut('errorUnauthenticated');
    return;
  }
  Object.assign(state, { appointments, fees, children });
  state.reads = { edges: reads.data?.me?.dataReads?.edges ?? [], pageInfo: reads.data?.me?.dataReads?.pageInfo ?? null, result: reads };
  state.reads.moreResult = null;
  renderAll();
  const missing = [appointments, fees, children].flatMap((r) => missingOf(r, collectMissing(r.data)));
  const instances = [...new Set(missing.map((m) => m.instance))];
  setStatus(
    [tr('loaded'), ...instances.map((i) => tr('missingSource', { source: i, code: missing.find((m) => m.instance === i).code }))].join(' '),
  );
}

async function loadMoreReads() {
  const button = $('#reads-more');
  const after = state.reads.pageInfo?.endCursor;
  if (!after || button.getAttribute('aria-disabled') === 'true') return;
  const generation = state.generation;
  button.setAttribute('aria-disabled', 'true');
  setStatus(tr('loading'));
  const result = await run('PortalDataReads', { first: READS_PAGE, after });
  button.removeAttribute('aria-disabled');
  if (generation !== state.generation) return;
  if (result.unauthenticated) {
    signOut('errorUnauthenticated');
    return;
  }
  const page = result.data?.me?.dataReads;
  const firstNew = state.reads.edges.length;
  state.reads.moreResult = result;
  if (page) {
    state.reads.edges = [...state.reads.edges, ...page.edges];
    state.reads.pageInfo = page.pageInfo;
  }
  renderReads();
  setStatus(tr('loaded'));
  // Focus moves to the first entry added, so a keyboard or screen reader user reads on from there.
  const row = $(`#reads tbody tr:nth-child(${firstNew + 1})`);
  if (page && row) row.focus();
  else if (!button.hidden) button.focus();
}

// ---------------------------------------------------------------------------------------------- views

/** Every MissingSource object anywhere in an answer (customer, fee ceiling, a child). */
function collectMissing(value, out = []) {
  if (Array.isArray(value)) {
    for (const v of value) collectMissing(v, out);
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'missingSources' && Array.isArray(v)) out.push(...v.filter((m) => m && m.instance));
      else collectMissing(v, out);
    }
  }
  return out;
}

/** The missing sources of an answer: those it lists, and sources its errors name (a source error is never a silent gap). */
function missingOf(result, listed) {
  const out = [...listed];
  for (const e of result?.errors ?? []) {
    const instance = e?.extensions?.instance;
    if (typeof instance === 'string' && e.extensions.code) out.push({ instance, code: e.extensions.code });
  }
  const seen = new Set();
  return out.filter((m) => (seen.has(m.instance) ? false : (seen.add(m.instance), true)));
}

/** A visible notice naming a source that could not be read. */
function missingNotice(m) {
  return h(
    'p',
    { class: 'notice' },
    h('span', { class: 'notice-icon', 'aria-hidden': 'true' }, '!'),
    ' ',
    tr('missingSource', { source: m.instance, code: label('MissingSourceCode', m.code) }),
  );
}

/**
 * Notices naming each missing source (but those `shownElsewhere` in the view, e.g. under a child), and the
 * answer's other errors, readable.
 */
function noticesFor(result, listed, shownElsewhere = new Set()) {
  if (!result) return [];
  if (result.failure) return [h('p', { class: 'error', role: 'alert' }, tr(result.failure.key, result.failure.params))];
  const missing = missingOf(result, listed);
  const notices = missing.filter((m) => !shownElsewhere.has(m.instance)).map(missingNotice);
  const missingInstances = new Set(missing.map((m) => m.instance));
  const errors = result.errors
    .filter((e) => !missingInstances.has(e?.extensions?.instance) && !shownElsewhere.has(e?.extensions?.instance))
    .map((e) => {
      const code = e?.extensions?.code;
      return h(
        'p',
        { class: 'error', role: 'alert' },
        tr('error', { message: String(e?.message ?? '') }),
        code ? [' ', h('span', { class: 'code' }, `(${code})`)] : null,
      );
    });
  return [...notices, ...errors];
}

function table(captionText, headers, rows, { numeric = [], className = null } = {}) {
  return h(
    'table',
    { class: className },
    h('caption', {}, captionText),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((text, i) => h('th', { scope: 'col', class: numeric.includes(i) ? 'num' : null }, text)),
      ),
    ),
    h('tbody', {}, rows),
  );
}

function appointmentRows(edges) {
  return edges.map(({ node: a }) =>
    h(
      'tr',
      {},
      h(
        'td',
        {},
        h('time', { datetime: a.start }, formatInstant(a.start)),
        h('span', { class: 'sub' }, tr('minutes', { n: a.durationMinutes })),
      ),
      h('td', {}, unitName(a.unit)),
      h('td', {}, municipalityName(a.source?.municipality)),
      h('td', {}, label('ContactMode', a.contactMode)),
      h('td', {}, label('CareArea', a.careArea)),
    ),
  );
}

function appointmentsTable(connection, caption) {
  const edges = connection?.edges ?? [];
  return table(
    caption(edges.length, connection?.totalCount ?? edges.length),
    [tr('time'), tr('place'), tr('municipality'), tr('contactMode'), tr('careArea')],
    appointmentRows(edges),
  );
}

function renderAppointments() {
  const section = $('#appointments');
  const result = state.appointments;
  const customer = result?.data?.me?.customer;
  section.querySelector('.notices').replaceChildren(...noticesFor(result, customer?.missingSources ?? []));
  const connection = customer?.appointmentsConnection;
  const body = !connection
    ? []
    : connection.edges.length === 0
      ? [h('p', { class: 'empty' }, tr('noAppointments'))]
      : [appointmentsTable(connection, (shown, total) => tr('appointmentsCaption', { shown, total }))];
  section.querySelector('.body').replaceChildren(...body);
}

function feeRows(fees) {
  return fees.map((fee) =>
    h(
      'tr',
      {},
      h('td', {}, h('time', { datetime: fee.date }, formatDate(fee.date))),
      h('td', {}, feeDescription(fee)),
      h('td', {}, municipalityName(fee.source?.municipality)),
      h('td', { class: 'num' }, formatMoney(fee.amountCents)),
      h('td', {}, label('FeeStatus', fee.status)),
    ),
  );
}

const feeHeaders = () => [tr('date'), tr('fee'), tr('municipality'), tr('amount'), tr('status')];

function ceilingView(ceiling) {
  const share = ceiling.ceilingCents > 0 ? Math.min(1, ceiling.accruedCents / ceiling.ceilingCents) : 0;
  const bar = h('div', { class: 'bar', 'aria-hidden': 'true' }, h('div', { class: ceiling.reached ? 'bar-fill reached' : 'bar-fill' }));
  bar.firstChild.style.width = `${Math.round(share * 100)}%`;
  const names = (ceiling.includesDependants ?? []).map((c) => c.firstNames).filter(Boolean);
  return h(
    'div',
    { class: 'ceiling' },
    h('h3', {}, tr('ceilingHeading', { year: ceiling.year })),
    h(
      'dl',
      { class: 'figures' },
      h('div', {}, h('dt', {}, tr('ceilingAccrued')), h('dd', {}, formatMoney(ceiling.accruedCents))),
      h('div', {}, h('dt', {}, tr('ceilingLimit')), h('dd', {}, formatMoney(ceiling.ceilingCents))),
      h(
        'div',
        {},
        h('dt', {}, tr('ceilingReachedOn')),
        h('dd', {}, ceiling.reachedOn ? h('time', { datetime: ceiling.reachedOn }, formatDate(ceiling.reachedOn)) : tr('notReached')),
      ),
    ),
    bar,
    h(
      'p',
      { class: ceiling.reached ? 'ceiling-state reached' : 'ceiling-state' },
      ceiling.reached && ceiling.reachedOn
        ? tr('ceilingReached', { date: formatDate(ceiling.reachedOn) })
        : tr('ceilingNotReached', { left: formatMoney(Math.max(0, ceiling.ceilingCents - ceiling.accruedCents)) }),
    ),
    names.length > 0 ? h('p', {}, tr('ceilingIncludes', { names: names.join(', ') })) : null,
    ceiling.complete === false
      ? h('p', { class: 'notice' }, h('span', { class: 'notice-icon', 'aria-hidden': 'true' }, '!'), ' ', tr('ceilingIncomplete'))
      : null,
    h('h3', {}, tr('feesAfterHeading')),
    ceiling.feesAfterCeiling.length === 0
      ? h('p', { class: 'empty' }, tr('noFeesAfter'))
      : [
          h('p', { class: 'note' }, tr('feesAfterNote')),
          table(tr('feesAfterCaption', { n: ceiling.feesAfterCeiling.length }), feeHeaders(), feeRows(ceiling.feesAfterCeiling), {
            numeric: [3],
            className: 'fees-after',
          }),
        ],
  );
}

function renderFees() {
  const section = $('#fees');
  const result = state.fees;
  const customer = result?.data?.me?.customer;
  section.querySelector('.notices').replaceChildren(...noticesFor(result, collectMissing(customer)));
  const connection = customer?.feesConnection;
  const fees = (connection?.edges ?? []).map((e) => e.node);
  const body = [];
  if (customer?.feeCeiling) body.push(ceilingView(customer.feeCeiling));
  if (connection) {
    body.push(h('h3', {}, tr('feesListHeading', { year: state.year })));
    body.push(
      fees.length === 0
        ? h('p', { class: 'empty' }, tr('noFees'))
        : table(
            tr('feesCaption', { year: state.year, shown: fees.length, total: connection.totalCount ?? fees.length }),
            feeHeaders(),
            feeRows(fees),
            {
              numeric: [3],
              className: 'fees-year',
            },
          ),
    );
  }
  section.querySelector('.body').replaceChildren(...body);
}

function renderChildren() {
  const section = $('#children');
  const result = state.children;
  const dependants = result?.data?.me?.customer?.dependants;
  // A child's missing sources are named under that child.
  const underChildren = new Set(collectMissing(dependants ?? []).map((m) => m.instance));
  section.querySelector('.notices').replaceChildren(...noticesFor(result, [], underChildren));
  if (!dependants) {
    section.querySelector('.body').replaceChildren();
    return;
  }
  const body =
    dependants.length === 0
      ? [h('p', { class: 'empty' }, tr('noChildren'))]
      : dependants.map((child, i) => {
          const name = child.firstNames || `${tr('child')} ${i + 1}`;
          const connection = child.customer?.appointmentsConnection;
          return h(
            'div',
            { class: 'child' },
            h('h3', {}, name),
            (child.customer?.missingSources ?? []).map(missingNotice),
            !connection
              ? null
              : connection.edges.length === 0
                ? h('p', { class: 'empty' }, tr('noAppointments'))
                : appointmentsTable(connection, (shown, total) => tr('childCaption', { name, shown, total })),
          );
        });
  section.querySelector('.body').replaceChildren(...body);
}

function renderReads() {
  const section = $('#reads');
  const { edges, pageInfo, result, moreResult } = state.reads;
  section.querySelector('.notices').replaceChildren(...noticesFor(result, []), ...noticesFor(moreResult, []));
  const rows = edges.map(({ node: r }) =>
    h(
      'tr',
      { tabindex: '-1' },
      h('td', {}, h('time', { datetime: r.at }, formatInstant(r.at))),
      h(
        'td',
        {},
        r.readerName ? [r.readerName, h('span', { class: 'sub' }, label('ReaderRole', r.readerRole))] : label('ReaderRole', r.readerRole),
      ),
      h('td', {}, label('DataReadAction', r.action)),
      h('td', {}, (r.dataGroups ?? []).map((g) => label('DataGroup', g)).join(', ') || '–'),
      h('td', {}, h('span', { class: r.outcome === 'DENIED' ? 'outcome denied' : 'outcome' }, label('AccessOutcome', r.outcome))),
      h('td', {}, r.basis ? label('AccessBasis', r.basis) : r.reason ? label('DenialReason', r.reason) : '–'),
    ),
  );
  const loaded = result && !result.failure && result.data?.me?.dataReads;
  const body = !loaded
    ? []
    : edges.length === 0
      ? [h('p', { class: 'empty' }, tr('noReads'))]
      : [
          table(
            tr('readsCaption', { n: edges.length }),
            [tr('when'), tr('who'), tr('action'), tr('dataGroups'), tr('outcome'), tr('basis')],
            rows,
          ),
        ];
  section.querySelector('.body').replaceChildren(...body);
  $('#reads-more').hidden = !(loaded && pageInfo?.hasNextPage && pageInfo.endCursor);
}

function renderAll() {
  if (state.labelsFailure) {
    const notices = noticesFor(state.labelsFailure, []);
    $('#alert').replaceChildren(...notices);
  }
  renderAppointments();
  renderFees();
  renderChildren();
  renderReads();
}

/** The page's own words, the lang attribute, the title and the switch's state in the chosen language. */
function renderLanguage() {
  document.documentElement.lang = state.lang;
  document.title = tr('pageTitle');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = tr(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', tr(el.dataset.i18nAriaLabel));
  for (const button of document.querySelectorAll('button.language'))
    button.setAttribute('aria-pressed', String(button.dataset.lang === state.lang));
  $('#fees-heading').textContent = tr('feesHeading', { year: state.year });
  $('#nav-fees').textContent = tr('feesHeading', { year: state.year });
  renderSignIn();
  renderSession();
}

function setLanguage(lang) {
  if (!LANGUAGES.includes(lang) || lang === state.lang) return;
  state.lang = lang;
  try {
    window.localStorage.setItem(LANG_KEY, lang);
  } catch {
    /* storage off: the choice lasts until reload */
  }
  renderLanguage();
  if (state.user) {
    renderAll();
    // Asked again: the server's messages (errors) come in the chosen language.
    void loadAll();
  }
}

// ---------------------------------------------------------------------------------------------- start

async function start() {
  renderLanguage();
  for (const button of document.querySelectorAll('button.language'))
    button.addEventListener('click', () => setLanguage(button.dataset.lang));
  $('#sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void signIn($('#user').value, { focus: true });
  });
  $('#sign-out').addEventListener('click', () => signOut());
  $('#reads-more').addEventListener('click', () => void loadMoreReads());

  try {
    const [config, documents] = await Promise.all(
      ['config.json', 'documents.json'].map(async (name) => {
        const res = await window.fetch(name, { cache: 'no-store' });
        if (!res.ok) throw new Error(`${name}: HTTP ${res.status}`);
        return res.json();
      }),
    );
    state.config = config;
    state.documents = documents;
  } catch {
    showAlert(tr('errorNetwork'));
    return;
  }
  renderSignIn();
  if (!state.config.identity) {
    showAlert(tr('noIdentityProvider'));
    return;
  }
  let saved = null;
  try {
    saved = window.sessionStorage.getItem(USER_KEY);
  } catch {
    /* storage off */
  }
  if (saved && state.config.identity.users.some((u) => u.id === saved)) await signIn(saved, { focus: false });
}

void start();
