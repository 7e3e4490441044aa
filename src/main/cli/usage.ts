// Help texts for `tieout --help` and `tieout COMMAND --help`; kept beside the CLI so they stay true.

export const USAGE = `tieout: reconcile orders, payments, payouts and bank lines in a local, append-only ledger

Usage:
  tieout init WORKSPACE [--name NAME] [--currency USD] [--time-zone Europe/Berlin] [--locale en-US]
  tieout import WORKSPACE --source KIND[:NAME] [--format FORMAT] [--mapping MAPPING.json]
                [--encoding ENC] [--skip-invalid] [--accept-unbalanced] [--period-end DATE] [--progress] [--json] FILE...
                [--no-reconcile] [--rules RULES.json]
  tieout reconcile WORKSPACE [--rules RULES.json] [--shadow] [--progress]
  tieout rules list WORKSPACE [--json]
  tieout rules show WORKSPACE [--version V] [--json]
  tieout rules create WORKSPACE --from RULES.json --reason TEXT [--draft] [--json]
  tieout rules promote WORKSPACE --version V --reason TEXT [--override-window] [--canary SOURCES|CODES]
  tieout rules rollback WORKSPACE --reason TEXT
  tieout rules shadow|retire WORKSPACE --version V --reason TEXT
  tieout shadow compare WORKSPACE --version V [--format text|json] [--limit N]
  tieout replay WORKSPACE --version V --from DATE --to DATE [--format text|json]
  tieout status WORKSPACE [--json]
  tieout exceptions WORKSPACE [--code C] [--class A|B|C] [--state S] [--all] [--format text|csv|json]
  tieout explain WORKSPACE MATCH_ID|EXCEPTION_ID|EVENT_ID
  tieout match WORKSPACE --link LINK --left EVENT_ID... --right EVENT_ID... --reason TEXT
  tieout unmatch WORKSPACE MATCH_ID --reason TEXT
  tieout resolve WORKSPACE EXCEPTION_ID... --reason TEXT
  tieout comment WORKSPACE EXCEPTION_ID --text TEXT
  tieout reopen WORKSPACE EXCEPTION_ID --reason TEXT
  tieout assign WORKSPACE EXCEPTION_ID --owner NAME [--reason TEXT]
  tieout export WORKSPACE --what events|matches|exceptions --format csv|json [--out FILE]
  tieout verify WORKSPACE | PACK.zip
  tieout close WORKSPACE --period YYYY-MM (--check [--json] | --by NAME --reason TEXT [--accept-open])
                [--explain SOURCE=TEXT]... [--progress] [--json]
  tieout reopen-period WORKSPACE --period YYYY-MM --by NAME --reason TEXT
  tieout pack WORKSPACE --period YYYY-MM --out PACK.zip [--with-sources] [--progress]
  tieout growth WORKSPACE [--period YYYY-MM] [--format text|json] [--paid-not-shipped-days N]
  tieout owners set WORKSPACE --domain D --owner "NAME <EMAIL>" --backup "NAME <EMAIL>" [--from DATE]
  tieout owners list WORKSPACE [--json]
  tieout sla WORKSPACE [--as-of ISO] [--json]
  tieout metrics WORKSPACE [--from DATE --to DATE] [--json]
  tieout ticket WORKSPACE EXCEPTION_ID
  tieout connect WORKSPACE --source stripe:NAME --api-key-env VAR [--base-url URL]
  tieout connect WORKSPACE --source shopify:NAME --shop DOMAIN --token-env VAR [--base-url URL]
  tieout connect WORKSPACE --source paypal:NAME --client-id-env VAR --secret-env VAR [--base-url URL]
  tieout sync WORKSPACE [--source NAME] [--progress]
  tieout replay-mapping WORKSPACE --source NAME [--mapping MAP.json] [--dry-run]
  tieout formats
  tieout demo WORKSPACE [--orders N] [--seed S]
  tieout serve [WORKSPACE] [--port N]

Run "tieout COMMAND --help" for the details of one command.
Exit codes: 0 ok, 1 runtime failure (or verify found tampering), 2 bad usage or bad input.
`;

export const COMMAND_HELP: Record<string, string> = {
  init: `tieout init WORKSPACE [--name NAME] [--currency CODE] [--time-zone ZONE] [--locale LOCALE]

Creates WORKSPACE (a new or empty folder) holding workspace.json and an empty
ledger.sqlite. Defaults: name = folder name, currency USD, time zone UTC,
locale en-US. The time zone is used for files whose times carry no offset;
the locale sets the number style the workspace displays.

Optional settings in workspace.json:
  "policy_gate_minor": 100000   above this amount (minor units of the reporting
                                currency) a person signs off any exception
  "feeds": { "stripe:main": { "expected_every_hours": 24, "grace_hours": 6 } }
                                the cadence each source is expected to keep: a source
                                whose latest event is older than the ledger's latest
                                event time minus expected_every_hours + grace_hours
                                (default 0) raises FEED_MISSING; sources not listed
                                are not checked
`,
  import: `tieout import WORKSPACE --source KIND[:NAME] [options] FILE...

Imports FILEs into the ledger as canonical events. All files land in one
transaction: if any row is bad, nothing is written and the error names
FILE:LINE:COLUMN. Importing the same rows again creates nothing new; a record
another file already delivered is also recorded as a resolved class-A
DUPLICATE_RECORD exception naming both files (the same file imported again
records nothing). A ZIP
archive is stored whole and each file inside it is imported. Every bank
statement must balance (opening + entries = closing) unless
--accept-unbalanced is given.

  --source KIND[:NAME]  which feed this is, e.g. stripe:main, shopify:store, bank:chase-1234,
                        meta-ads:main, google-ads:main, shipstation:main (ad exports, ad billing
                        and shipments are detected like every other format)
  --format FORMAT       skip detection (see "tieout formats")
  --mapping FILE        JSON mapping for --format generic-csv, or preset:NAME for a built-in
                        bank CSV preset (see "tieout formats")
  --encoding ENC        utf-8, utf-16le, utf-16be, windows-1252, iso-8859-1, iso-8859-2, iso-8859-15,
                        windows-1250 or cp852 (default: a BOM, the file's own declaration
                        (XML prolog, OFX CHARSET), else UTF-8 when valid, else Windows-1252)
  --skip-invalid        import the good rows; every rejected row is kept in the journal with its reason
  --accept-unbalanced   import bank statements whose opening balance + entries differs from the
                        closing balance; each difference is recorded in the journal
  --period-end DATE     the last day (YYYY-MM-DD) the files cover, when you know it (an export run
                        "through Oct 31"): the source counts as delivered to the end of that day.
                        Until a feed has delivered past an event's window, a missing counterpart
                        is "awaiting" that feed, not an exception (bank statements state their
                        period themselves)
  --no-reconcile        do not run the incremental reconcile that follows every import
  --rules FILE          rule set for that incremental run (default: the rule set in force)
  --progress            print progress lines on stderr, for the import and the reconcile after it
                        (on by default in a terminal)
  --json                print the result as JSON
`,
  export: `tieout export WORKSPACE --what events|matches|exceptions --format csv|json [--out FILE]
              [--code C] [--class A|B|C] [--state S]   (exceptions only)

events: every canonical event (source, kind, external id, refs, amount,
currency, times, provenance). matches: every active match as
{match_id, status, rule_id, rule_version, events:[{event_id, source, kind,
external_id, amount_minor, currency}]}. exceptions: {exception_id, code, class,
state, amount_minor, currency, events, created_at, resolved_at, owner, backup,
sla_due_at, sla_tier, escalation_level} (owner and backup as "NAME <EMAIL>",
escalation_level 0 owner, 1 backup, 2 escalation contact). CSV has one
row per (match or exception, event). Written to FILE or standard output. CSV text cells that begin with
= + - @ tab or CR are prefixed with an apostrophe so spreadsheets do not run
them as formulas; number cells are written as plain numbers.
`,
  verify: `tieout verify WORKSPACE | PACK.zip

WORKSPACE (a folder): checks the ledger: SQLite integrity and foreign keys, that
the append-only triggers are in place, re-hashes every stored file, walks the
journal hash chain, and checks every import batch's events against the digest
its journal entry sealed. Names the first bad journal entry when anything fails.

PACK.zip (a file written by tieout pack), offline, without the workspace:
manifest.json's own seal, the sha256 and size of every member against the
manifest (a member changed, missing or not listed is named), and the journal
segment's hash chain from the manifest's previous hash to its last hash.

Prints each check; exits 1 when anything fails.
`,
  close: `tieout close WORKSPACE --period YYYY-MM --by NAME --reason TEXT [--accept-open] [--explain SOURCE=TEXT]...
tieout close WORKSPACE --period YYYY-MM --check [--json]

Closes a calendar month of the workspace's time zone. --check prints the
month's checklist (statements balanced, every source delivered past the month's
end or explained, open class C exceptions, unresolved high-value exceptions,
shadow versions pending), the processor and bank rollforwards and the
sign-offs, and closes nothing.

Closing refuses while class C exceptions of the month are open, unless
--accept-open carries them forward (they are listed in the pack). It makes the
month's audit pack, stores it in the ledger and journals the close (who, why,
the pack's sha256). A closed month is locked: data that arrives later with
dates inside it is stored as usual, and what it changes is recorded as an
adjustment of the first open month, linked back to the closed one.
  --by NAME              who signs the month off
  --reason TEXT          why it can be closed (journaled)
  --accept-open          carry the open class C exceptions forward
  --explain SOURCE=TEXT  why a source has not delivered past the month's end
                         (e.g. --explain stripe:old="account closed in September"); repeatable
  --progress             print the pack's progress on stderr (on by default in a terminal)
  --json                 print the result (or, with --check, the status) as JSON
`,
  'reopen-period': `tieout reopen-period WORKSPACE --period YYYY-MM --by NAME --reason TEXT

Opens a closed month again, journaled with who and why. The pack stored at its
close stays in the ledger; closing the month again stores a new one.
`,
  pack: `tieout pack WORKSPACE --period YYYY-MM --out PACK.zip [--with-sources] [--progress]

Writes the month's audit pack. A closed month's pack is the one stored at its
close, byte for byte. An open month gets a DRAFT made from the ledger as it
stands (the same ledger gives the same bytes). The ZIP holds manifest.json
(workspace, period, generator, rule versions, ledger head hash, the journal
segment's first and last hash, sign-offs, the sha256 of every member),
summary.pdf (rollforward, match and exception figures, charts, carried-forward
items, sign-offs), workbook.xlsx (a sheet per table; a table longer than a
sheet continues on the next), the same tables as CSV under csv/, rules.json and
journal.jsonl. Text cells starting with = + - @ tab or CR are neutralised in CSV
and XLSX; numbers stay numbers. Check a pack with tieout verify PACK.zip.
  --with-sources   add the raw source files of the month's events under sources/ (open months)
  --progress       print progress lines on stderr (on by default in a terminal)
`,
  growth: `tieout growth WORKSPACE [--period YYYY-MM] [--format text|json] [--paid-not-shipped-days N]

Ties what the ad platforms claim to what the store and the bank show, for one
month (default: the month of the latest ad spend in the ledger):
  - one row per day × platform (meta, google, …): Spend, Billed, the platform's
    conversions and conversion value, the store's orders and net revenue on that
    day (store time zone; net of refunds and cancellations; test and draft
    orders left out), all in the workspace currency, and the Gap (platform value −
    store net), broken down into refunded/cancelled, test/draft, time-zone shift,
    currency, duplicates (an order two platforms can claim) and the residual, which
    is what it is: attribution window and view-through;
  - a not_attributable row per day for store orders no ad platform can be tied to;
  - spend ↔ billing ↔ cash per platform: spend − ad credits + tax against the
    period's charges, and each charge against the card or bank debit that paid it;
  - orders ↔ shipments by order name: unshipped paid orders older than
    --paid-not-shipped-days (default 3), split and voided labels, shipped
    quantity ≠ ordered, refunded or cancelled but shipped, orphan shipments;
  - campaign-ready: the share of yesterday's store revenue already tied out to
    cash (order → payment → payout → bank credit, from the matches).
An order's platform is the store's own attribution: its utm_source (Shopify Note
Attributes), else the one platform whose click id (fbclid, gclid) it carries.
A platform's days are in its source's time zone: set "source_time_zones" in
workspace.json, e.g. { "meta-ads:main": "America/Los_Angeles" }.
  --format json   the whole report as JSON (the shape the Growth screen reads)
`,
  reconcile: `tieout reconcile WORKSPACE [--rules RULES.json] [--shadow] [--progress]

Runs the matcher over the whole ledger (a full run) under the rule set in force:
the active version (tieout rules list), or a canary while one runs. It applies
the difference: new matches and exceptions, ended ones, class B exceptions
escalated when their window has passed. Every import already runs an
incremental version of this over what it brought; a full run gives the same
result. Human decisions are never overridden. The versions watched in shadow
run after it, into their own files.
  --rules FILE  use this rule set directly: it becomes the active version at once,
                without observation in shadow (journaled as a promotion with
                override); to prove a rule set first: tieout rules create
  --shadow      run each version watched in shadow in full, into its own file
                (nothing live changes)
  --progress    print progress lines on stderr: events loaded, each rule as it
                runs, matches and exceptions written (on by default in a terminal)
`,
  rules: `tieout rules list|show|create|promote|rollback|shadow|retire WORKSPACE ...

Rule set versions (DESIGN §8). A version is immutable once created and named
ID@N: default@4 (the rules this build ships), workspace@2 (the workspace's own
line: edits and tolerances); --version takes ID@N, or N for workspace@N. Each
is draft, shadow, active, canary or retired; exactly one is active, and every
change of state is journaled with who and why.

  tieout rules list WORKSPACE [--json]
      every version: state, created_at, the reason it was created (* = in force)
  tieout rules show WORKSPACE [--version V] [--json]
      the rule set JSON (what --rules and rules create accept); default: in force
  tieout rules create WORKSPACE --from RULES.json --reason TEXT [--draft] [--json]
      stores RULES.json as the next version of its line (an edit of default goes
      on the workspace line) in shadow: it runs over the same ledger into its own
      file (WORKSPACE/shadow/ID@N.sqlite) after every import, never acting.
      --json prints {"version": "workspace@3", "state": "shadow"}. --draft stores
      it without running it (rules shadow starts it)
  tieout rules promote WORKSPACE --version V --reason TEXT [--override-window] [--canary SOURCES|CODES]
      makes a shadow version active (the previous one is retired) and runs a full
      reconcile under it. Refused, saying what is missing, until it has been
      observed for 14 days of business time (or the configured number of new
      events) since it entered shadow and its estimated false positive rate is
      under the threshold; --override-window goes ahead, journaled as an override
      with the reason. --canary stripe:main,ROUNDING_DIFF promotes it as a canary:
      it runs live, but auto-resolves (class A) only exceptions of those sources
      or codes; elsewhere an exception stays with a person unless the active
      version, which keeps running in shadow meanwhile, auto-resolves it too.
      Promoting the canary again widens it (a larger --canary) or makes it active
      everywhere (no --canary).
  tieout rules rollback WORKSPACE --reason TEXT
      one step back: a canary is retired, else the active version is retired and
      the version it replaced is active again; a full reconcile follows, so the
      results are what they were before the promotion (people's decisions kept)
  tieout rules shadow WORKSPACE --version V --reason TEXT     watch a draft or retired version in shadow
  tieout rules retire WORKSPACE --version V --reason TEXT     stop watching a draft or shadow version

workspace.json may set what promotion requires:
  "promotion": { "min_observation_days": 14, "min_observation_events": 50000,
                 "max_false_positive_rate": 0.05, "min_graded_decisions": 0 }
`,
  shadow: `tieout shadow compare WORKSPACE --version V [--format text|json] [--limit N]

Compares version V's results (its shadow file, brought up to date first) with the
live results, per event: newly matched, newly unmatched, other counterpart, other
code or class; with counts and money at stake (a match's left event, an
exception's amount once) per category and per rule. Then grades V against
people's past decisions in the journal (manual matches, unmatches of the
engine's matches, resolves, reopens): would its rules alone agree? It prints
the agreement, the estimated false positive rate (its auto-resolutions on
decided events that a person had overturned) and how many decisions that rests
on, beside the live rules' own, and the observation window promotion needs.
  --format json   {summary, diffs: [...], grading, window}; every difference
                  unless --limit N
  --limit N       at most N differences (text shows the first 50)
`,
  replay: `tieout replay WORKSPACE --version V --from DATE --to DATE [--format text|json]

Runs version V over the events of the days DATE..DATE (YYYY-MM-DD, inclusive, in
the workspace's time zone), a closed period included, and compares the result
with the active version run over the same days, as shadow compare does. A diff
only: both runs go to temporary files that are removed; nothing in the ledger
changes. Events outside the range are not seen by either run.
  --format json   {version, against, from, to, events, summary, diffs}
`,
  status: `tieout status WORKSPACE [--json]

Unmatched rate, auto-resolve rate, open exceptions by code and class, value at
stake per currency, oldest open exception and each source's last import.
`,
  exceptions: `tieout exceptions WORKSPACE [--code C] [--class A|B|C] [--state S] [--all] [--format text|csv|json]

Lists open exceptions (--all: every state; --state picks one).
`,
  explain: `tieout explain WORKSPACE MATCH_ID|EXCEPTION_ID|EVENT_ID

Prints why: the rule and its version, the keys that agreed, amount and time
deltas, the score, and the runner-up candidates with why they lost. Given an
event id, explains every match and exception it takes part in.
`,
  match: `tieout match WORKSPACE --link LINK --left EVENT_ID... --right EVENT_ID... --reason TEXT

Matches the chosen events by hand (links: order_payment, refund_payment,
dispute_payment, payout_items, bank_payout). The events are pinned: later runs
leave them alone. Open exceptions they settle are resolved, and an incremental
reconcile over the events follows, so what the engine concludes from the
decision (the other half of a tie, a payment the match took from another
order) shows at once.
`,
  unmatch: `tieout unmatch WORKSPACE MATCH_ID --reason TEXT

Ends a match (a reversal recorded in the journal, never a delete); the engine
will never propose the same pairs again. An incremental reconcile over the
match's events follows.
`,
  resolve: `tieout resolve WORKSPACE EXCEPTION_ID... --reason TEXT

Resolves exceptions with a reason (all or none). Policy-gated exceptions need a person.
`,
  comment: `tieout comment WORKSPACE EXCEPTION_ID --text TEXT

Adds a comment to an exception's history.
`,
  reopen: `tieout reopen WORKSPACE EXCEPTION_ID --reason TEXT

Reopens a resolved exception.
`,
  assign: `tieout assign WORKSPACE EXCEPTION_ID --owner NAME [--reason TEXT]

Assigns an exception to an owner (state assigned), journaled. NAME is
"NAME <EMAIL>", or the name, first name or e-mail of someone workspace.json names (an owner,
backup, rotation member, escalation contact or "me"), which is then stored as
"NAME <EMAIL>" so it lands in that person's queue. Taking an exception from the
owner it has (a reassignment) needs --reason, journaled with it.
`,
  demo: `tieout demo WORKSPACE [--orders N] [--seed S]

Creates WORKSPACE holding a generated month (default 2,000 orders): Shopify
orders, Stripe balance report, a camt.053 bank statement, a Meta Ads export and
billing, a Google Ads report and billing activity, and ShipStation shipments are
written to WORKSPACE/demo-source-files (with growth-truth.json, the growth gaps
injected), imported through the normal import path and reconciled, with
anomalies injected so every kind of exception shows. The Meta account reports
in America/Los_Angeles (source_time_zones in workspace.json).
`,
  serve: `tieout serve [WORKSPACE] [--port N]

Runs the Tieout app in a browser: serves the built renderer (npm run build
writes it to out/renderer) and the app's API on 127.0.0.1 only, and prints
the address to open, which carries a token made for this launch; requests
without it are refused. WORKSPACE is opened at start; without it the page
offers to create or open one. Runs until Ctrl+C (SIGINT) or SIGTERM.
  --port N     listen on port N (default: a free port)
Recent workspaces are remembered in $TIEOUT_CONFIG_DIR (default ~/.config/tieout);
$TIEOUT_RENDERER_DIR serves a renderer built elsewhere instead of out/renderer.
`,
  owners: `tieout owners set WORKSPACE --domain D --owner "NAME <EMAIL>" --backup "NAME <EMAIL>" [--from DATE]
tieout owners list WORKSPACE [--json]

Every exception belongs to a domain (payments, bank, ads, fulfillment, or one
the workspace adds) and, when it opens, gets that domain's owner and backup on
that day, its SLA tier and due time (journaled with the opening).

set    hands domain D to an owner and a backup from DATE (YYYY-MM-DD in the
       workspace time zone; default today) on, replacing a hand-over of the same
       day. Written to workspace.json and journaled; open exceptions of the
       domain that have no owner yet get the new one.
list   each domain's owner and backup today, since when, by a hand-over or a
       rotation (and whether it is the rotation's hand-off week), and the
       escalation contact.

workspace.json holds the rest (hand-edited, validated when the workspace opens):
  "me": {"name": "Ana Lopez", "email": "ana@example.com"}     who "My queue" is
  "owners": {"payments": {
      "assignments": [{"from": "2026-01-01", "owner": {...}, "backup": {...}}],
      "rotation": {"every": "quarter", "starting": "2026-01-01",
                   "people": [{...}, {...}], "handoff_days": 7},
      "escalation": {"name": "...", "email": "..."},
      "ticket_url": "https://example.atlassian.net/secure/CreateIssueDetails!init.jspa?pid=10000&issuetype=10002&summary={title}&description={description}"}}
  "domain_map": [{"code": "UNKNOWN_BANK_LINE", "source": "bank:savings", "domain": "treasury"}]
  "playbooks": {"MISSING_PAYMENT": {"title": "...", "steps": ["...", "..."]}}
A rotation hands the domain to people in turn (every week, month or quarter
from "starting"); the next in line is the backup, except during the first
handoff_days of a turn, when the outgoing owner is. A hand-over dated inside a
turn overrides the rotation until the next turn. domain_map rows (a code, a
source id or pattern such as "bank:*", or both) are read before the shipped
table, which names a domain for every code.
`,
  sla: `tieout sla WORKSPACE [--as-of ISO] [--json]

Runs the SLA clock at ISO (an instant such as 2026-11-05T09:00:00Z; default
now): gives open exceptions that have no owner or SLA yet their domain's owners
and an SLA, then escalates every exception still unresolved after 24 h to its
backup and after 72 h to the escalation contact (the domain's "escalation", else
workspace.json "sla": {"escalation_contact": ...}), journaling each step once,
and lists the steps it took with the overdue count. Exceptions the system is
remediating (in_remediation) do not escalate until they need a person.

Tiers (the first rule that holds; workspace.json "sla": {"tiers": [...]}
replaces them, "escalate_after_hours": [24, 72] the steps):
  CRITICAL  due in 24 h   class B or C, at stake >= 10 x the policy gate
  HIGH      due in 72 h   class B or C, at stake >= the policy gate
  MEDIUM    due in 120 h  class C
  LOW       due in 168 h  everything else
Amounts are compared in the reporting currency only (no FX basis for others).
`,
  metrics: `tieout metrics WORKSPACE [--from DATE --to DATE] [--json]

Operating metrics over the calendar days DATE..DATE of the workspace time zone
(default: the 30 days ending today), from the ledger's own times:
  unmatched_rate_1h              matchable events that arrived in the period and
                                 were in no match within 1 h of arriving, as a share
  mean_time_to_resolution_hours  hours from opening to resolution of the exceptions
                                 resolved in the period (not those resolved as they opened)
  auto_resolve_rate              exceptions opened in the period that closed without
                                 a person (class A, resolved by new data), as a share
  manual_actions_per_day         a person's matches, unmatches, resolves, comments,
                                 reopens and assignments per day
  high_value_open                {count, value_minor}: open at the end of the period
                                 above the policy gate, in the reporting currency
  top_exceptions                 [{code, count, trend}]: the ten codes opened most, with
                                 their count per week ({week: Monday, count})
--json prints exactly these keys.
`,
  ticket: `tieout ticket WORKSPACE EXCEPTION_ID

Prints the hand-off text of an exception, ready to paste into a ticket: code,
playbook title and amount, class and state, domain, owner, backup, SLA tier and
due time, escalation level, the explanation, its events, its history and the
playbook's steps. When the domain has a "ticket_url" in workspace.json, also
prints the new-ticket link with {title}, {description}, {id}, {code}, {domain},
{owner} and {due} filled in.
`,
  connect: `tieout connect WORKSPACE --source stripe:NAME --api-key-env VAR [--base-url URL]
tieout connect WORKSPACE --source shopify:NAME --shop DOMAIN --token-env VAR [--base-url URL]
tieout connect WORKSPACE --source paypal:NAME --client-id-env VAR --secret-env VAR [--base-url URL]

Connects a source whose records arrive by API. The secret is read from the
environment variable VAR (never from the command line, so it stays out of shell
history), sealed, and stored as ciphertext in WORKSPACE/connector-secrets.json;
it is never printed, logged or shown by the app. The command line seals with the
plain-Node fallback: AES-256-GCM under a key file in $TIEOUT_CONFIG_DIR
(~/.config/tieout/connector-secrets.key, or $TIEOUT_SECRET_KEY_FILE), which
anyone who can read that file can use; the desktop app seals with the OS
keychain (Electron safeStorage) instead, and says when Linux offers only its
insecure basic_text store. A secret sealed by the app opens only in the app.
  stripe:NAME    a secret or restricted key (read access to balance, payouts, disputes,
                 charges, refunds); events like the balance report's, under stripe:NAME
  shopify:NAME   --shop the-shop.myshopify.com and an Admin API access token (read_orders,
                 read_shopify_payments_payouts); orders under shopify:NAME, Shopify
                 Payments balance transactions and payouts under shopify-payments:NAME
  paypal:NAME    a REST app's client id and secret with Transaction Search enabled
  --base-url URL another API location: a sandbox (https://api-m.sandbox.paypal.com),
                 or a test server on this machine (plain http only to 127.0.0.1)
The connection syncs every hour in the app, and the source is held to that
cadence: workspace.json "feeds" gets { "expected_every_hours": 1, "grace_hours": 1 }
unless you declared one (FEED_MISSING when it falls behind). The first sync reads
90 days back; each later one reads again from an hour before the last one ended
(PayPal: 3 h 30 min, its reporting lags up to three hours).
`,
  sync: `tieout sync WORKSPACE [--source NAME] [--progress]

Syncs every connected source (or NAME) now: each API page is stored byte-exact
as a raw artifact and lands with its events and the sync's cursor in one
transaction, so a sync stopped anywhere (even killed) resumes after the last
page that landed, with nothing twice and nothing missed. A record read again is
a no-op; one that changed is a new revision (the earlier one superseded). 429
answers (Retry-After), 5xx, timeouts and cut-off answers are retried with
jittered backoff; Shopify's THROTTLED answers wait for the query cost to refill.
An incremental reconcile follows, then class B remediation: each open class B
exception the source can speak to is asked about at the provider, once per
cadence, the call journaled on the exception (Stripe: MISSING_PAYMENT,
PAYOUT_NOT_IN_BANK, REFUND_UNMATCHED; Shopify: MISSING_PAYMENT on its orders, by
the order's transactions; PayPal: MISSING_PAYMENT, by Transaction Search). Prints per source the pages, events created,
records already in the ledger and rejected, and the provider's clock offset when
it is off by a minute or more (windows follow the provider's clock).
Exit 1 when a sync failed (the reason is printed; refused credentials need
tieout connect again).
  --progress    a stderr line per page (on by default in a terminal)
`,
  'replay-mapping': `tieout replay-mapping WORKSPACE --source NAME [--mapping MAP.json] [--dry-run]

Re-reads every file and API page the source delivered, as stored in the ledger,
under the mapping in force now: the parser versions of this build, or, for a
generic CSV source, the corrected mapping MAP.json (default: the source's saved
mapping). Prints, per batch and per record, what changes (field: before → after),
what is new and what the new mapping no longer makes. Without --dry-run the
changes are recorded: each changed record as a new revision of its event (id
from its revision and the new mapping version), the earlier one superseded and
never edited, a journal entry linking both versions, then an incremental
reconcile. Records no longer made are reported and kept. Running it again under
the same mapping changes nothing.
  --dry-run     show what would change; write nothing
`,
  formats: `tieout formats

Lists the import formats this build reads and how each is chosen.
`,
};
