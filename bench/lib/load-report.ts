/**
 * docs/reliability.md from a load run (bench/load.ts): every figure comes from the run's
 * results; a scenario that did not finish says so instead of showing numbers.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- the run's JSON, read back as written */
type Doc = {
  generatedAt: string;
  mode: string;
  complete: boolean;
  machine: { cpus: number; cpuModel?: string; memoryGiB: number; node: string };
  sizes: Record<string, number>;
  throttles: { stageDefault: { rateLimit: number; burstLimit: number }; publicRoute: { rateLimit: number; burstLimit: number } };
  results: Record<string, any>;
  errors: Record<string, string>;
  /** Observations added after a run, per scenario (what the run's own data showed beyond its figures). */
  notes?: Record<string, string>;
};

const yes = (b: boolean) => (b ? 'yes' : '**no**');
const counts = (o: Record<string, number> | undefined) =>
  o
    ? Object.entries(o)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
        .join(', ')
    : '—';

/** The machine's load average beside a scenario's figures (the machine is shared). */
function machineLoad(x: any): string {
  const l = x?.machineLoad as { atStart: number[]; atEnd: number[] } | undefined;
  return l
    ? `Machine load during this scenario (1/5/15-min load averages, as \`uptime\` prints them): ${l.atStart.join(' / ')} at its start, ${l.atEnd.join(' / ')} at its end.`
    : 'The machine load of this scenario was not recorded.';
}

function notRun(doc: Doc, name: string): string | undefined {
  if (doc.results[name]) return undefined;
  const err = doc.errors[name];
  return err
    ? `Did not finish in this run: \`${err.split('\n')[0]}\`.\n`
    : doc.complete
      ? 'Not run (left out with `--only`).\n'
      : 'Not reached: the run stopped before this scenario.\n';
}

export function renderReliability(doc: Doc): string {
  const r = doc.results;
  const s = doc.sizes;
  const out: string[] = [];
  out.push('# Reliability under load and abuse');
  out.push('');
  out.push(
    `Measured by \`npm run load${doc.mode === 'quick' ? ' -- --quick' : ''}\` (bench/load.ts) on ${doc.generatedAt.slice(0, 16).replace('T', ' ')} UTC, ` +
      `on the local cloud in a child process, over loopback: ${doc.machine.cpus} cores (${doc.machine.cpuModel ?? 'unknown CPU'}), ` +
      `${doc.machine.memoryGiB} GiB, Node ${doc.machine.node}. ${doc.mode === 'quick' ? 'This is a **quick** (smoke) run at small sizes; the full run uses the sizes of issue 17.' : 'Full sizes.'}` +
      `${doc.complete ? '' : ' **The run did not complete**: the figures below are those of the scenarios that finished.'} ` +
      'Raw figures: `bench/load.json`. Every number here is measured; none is estimated.',
  );
  const when = [...new Set(Object.values(doc.results).map((x) => String(x.measuredAt ?? '').slice(0, 16)))].filter(Boolean);
  if (when.length > 1) {
    out.push('');
    out.push(
      `The scenarios were measured in ${when.length} runs of the harness on the same machine (${Object.entries(doc.results)
        .map(([k, v]) => `${k} at ${String(v.measuredAt).slice(11, 16)} UTC`)
        .join(', ')}), each on a freshly booted local cloud; \`--merge\` kept the earlier run's figures.`,
    );
  }
  out.push('');
  out.push(
    'The machine is shared (other work ran beside the harness), and DynamoDB Local serves the whole table on one thread: ' +
      'absolute times are those of this machine, not of AWS. The invariants (counts) do not depend on it.',
  );
  out.push('');
  out.push('## Protections on the public write path');
  out.push('');
  out.push(
    `- **Route throttle**: \`POST /rounds/{roundId}/objections\` has its own route setting on the stage (${doc.throttles.publicRoute.rateLimit} requests/s, burst ${doc.throttles.publicRoute.burstLimit}); ` +
      `every staff route stays on the stage default (${doc.throttles.stageDefault.rateLimit}/s, burst ${doc.throttles.stageDefault.burstLimit}). The local cloud meters each route's setting with a token bucket as API Gateway does and answers \`429 {"message":"Too Many Requests"}\` before the function runs.`,
  );
  out.push(
    "- **Per-source limit** in the application: a sliding-window count per source address and round in the table (HMAC of the address under a per-round key, TTL'd items; no address is stored). Over the limit: `429 OBJECTION_RATE_LIMITED` with `Retry-After`.",
  );
  out.push(
    '- **Size and content**: bodies over 32 KiB `422 OBJECTION_TOO_LARGE`; control characters, more than three links, a run of one character, no words: `422 OBJECTION_*`.',
  );
  out.push(
    '- **Exact repeats** (same case, same text after normalisation, same round) are counted on the objection already filed (`repeats`) and answered `200` with it; never filed twice.',
  );
  out.push(
    '- The office sees what was filed, folded and refused: the dashboard (JSON, console, no-JavaScript page) and `GET /rounds/{id}/objections` (`guard`).',
  );
  out.push('');

  out.push(`## Deadline rush`);
  out.push('');
  const rush = r.rush;
  out.push(notRun(doc, 'rush') ?? '');
  if (r.rush) out.push(machineLoad(r.rush), '');
  if (rush) {
    out.push(
      `${rush.dossiers} dossiers uploaded within ${rush.windowSeconds} s by ${rush.units} concurrent units, plus ${rush.reuploads} re-uploads of the same unit's dossier (a revised text), through presigned URLs as a browser does.`,
    );
    out.push('');
    out.push('| figure | measured |');
    out.push('|---|---|');
    out.push(`| uploads sent in | ${rush.uploadsSentSeconds} s |`);
    const settled = Object.entries(rush.outcomes as Record<string, number>)
      .filter(([k]) => ['STORED', 'SUPERSEDED', 'INVALID'].includes(k))
      .reduce((a, [, v]) => a + v, 0);
    out.push(
      rush.drained
        ? `| time to drain (first upload → last validation outcome) | ${rush.drainSeconds} s |`
        : `| time to drain | **did not drain**: ${settled} of ${rush.dossiers + rush.reuploads} uploads had an outcome when the harness stopped waiting; the last outcome came ${rush.drainSeconds} s after the first upload |`,
    );
    out.push(`| throughput while draining | ${rush.throughputPerSecond} uploads/s |`);
    out.push(
      `| time from upload to the applicant's validation report | p50 ${rush.reportSeconds.p50} s, p95 ${rush.reportSeconds.p95} s, max ${rush.reportSeconds.max} s (polled every ${rush.reportSeconds.pollResolutionSeconds} s) |`,
    );
    out.push(`| outcomes | ${counts(rush.outcomes)} |`);
    out.push(`| cases / versions | ${rush.cases} / ${rush.versions} |`);
    out.push(`| uploads that failed without a code | ${rush.failures} |`);
    out.push(
      `| one stored version or one coded rejection each, nothing lost or doubled, last version wins | ${yes(rush.invariantsHold)} |`,
    );
    if (rush.invariantProblems?.length) out.push(`\nProblems found: ${rush.invariantProblems.join('; ')}`);
    if (rush.failedExecutions)
      out.push(
        `\ndossier-review executions that failed: ${rush.failedExecutions.count}${rush.failedExecutions.firstCause ? ` (first: \`${rush.failedExecutions.firstCause}\`)` : ''}.`,
      );
    out.push('');
    if (rush.uploadsSentSeconds > rush.windowSeconds * 1.2) {
      out.push(
        `**Not met in this run: the uploads themselves.** They were issued on a ${rush.windowSeconds}-second schedule but the last one was sent after ${rush.uploadsSentSeconds} s: each unit's upload waits for the API to start its submission, and the local cloud answered those slower than the schedule issued them while it was also validating the earlier dossiers.`,
      );
      out.push('');
    }
    out.push(
      'The drain is bound by the local cloud, not by the design: intake on DynamoDB Local runs a few dossiers a second (README, known limits), so a minute of uploads takes minutes to validate.' +
        (rush.invariantsHold ? ' Nothing was lost while it queued.' : ''),
    );
  }
  out.push('');

  if (doc.notes?.rush) out.push('', `**Observed in this run:** ${doc.notes.rush}`, '');
  out.push('## Panel at once');
  out.push('');
  const panel = r.panel;
  out.push(notRun(doc, 'panel') ?? '');
  if (r.panel) out.push(machineLoad(r.panel), '');
  if (panel) {
    out.push(
      `${panel.reviewers} reviewers scoring ${panel.panelSteps} panel steps (${panel.sheetsExpected} score sheets, ${s.reviewersPerCase} reviewers a case) at once, each from its own task list; ${panel.duplicateSubmits} sheets were submitted twice at the same moment (a double click).`,
    );
    out.push('');
    out.push('| figure | measured |');
    out.push('|---|---|');
    out.push(`| scoring took | ${panel.scoringSeconds} s; every step decided after ${panel.untilAllDecidedSeconds} s |`);
    out.push(`| decision latency | p50 ${panel.decisionLatencyMs.p50} ms, p95 ${panel.decisionLatencyMs.p95} ms |`);
    out.push(`| a reviewer's task list | p50 ${panel.listTasksMs.p50} ms, p95 ${panel.listTasksMs.p95} ms |`);
    out.push(`| replies | ${counts(panel.replies)} |`);
    out.push(`| sheets accepted / steps decided | ${panel.sheetsAccepted} / ${panel.stepsDecided} |`);
    out.push(`| reviews checked against what was sent | ${panel.reviewsChecked} |`);
    out.push(`| no lost update, every aggregate matches a recomputation, no step decided twice | ${yes(panel.invariantsHold)} |`);
    if (panel.invariantProblems?.length) out.push(`\nProblems found: ${panel.invariantProblems.join('; ')}`);
  }
  out.push('');

  if (doc.notes?.panel) out.push('', `**Observed in this run:** ${doc.notes.panel}`, '');
  out.push('## Objection flood');
  out.push('');
  const flood = r.flood;
  out.push(notRun(doc, 'flood') ?? '');
  if (r.flood) out.push(machineLoad(r.flood), '');
  if (flood) {
    out.push(
      `${flood.posts.toLocaleString('en')} objection posts in ${flood.windowSeconds} s from ${flood.sources} source addresses (4 in 10 one text again, 4 in 10 varied texts, 1 in 10 link lists, 1 in 10 a run of one character), ` +
        `with ${flood.genuine.sent} genuine objections from distinct addresses (${flood.genuine.byForm} by the no-JavaScript form), while the office listed its tasks and read the dashboard in a loop. ` +
        'The same reads were measured first on the idle cloud, in the same run.',
    );
    out.push('');
    out.push('| figure | measured |');
    out.push('|---|---|');
    out.push(`| flood replies | ${counts(flood.floodReplies)} |`);
    out.push(`| objections filed (all posts) | ${flood.objectionsFiled} |`);
    out.push(
      `| counted on the office's view | ${flood.guardTotals.suppressed} repeats folded, ${flood.guardTotals.refusedRate} refused by the per-source limit, ${flood.guardTotals.refusedContent} refused for content |`,
    );
    out.push(
      `| genuine objections filed | ${flood.genuine.filed} of ${flood.genuine.sent} (${flood.genuine.attempts.total} attempts, at most ${flood.genuine.attempts.max} for one; p50 ${flood.genuine.secondsToFile.p50} s, max ${flood.genuine.secondsToFile.max} s to file) |`,
    );
    out.push(
      `| office reads, idle: p95 | ${flood.office.idle.p95} ms (tasks p95 ${flood.office.idle.tasks.p95} ms, dashboard p95 ${flood.office.idle.dashboard.p95} ms; ${flood.office.idle.tasks.n + flood.office.idle.dashboard.n} reads${flood.office.idleBeforeP95 !== undefined ? `, half before the flood (p95 ${flood.office.idleBeforeP95} ms) and half after it (p95 ${flood.office.idleAfterP95} ms)` : ''}) |`,
    );
    out.push(
      `| office reads, during the flood: p95 | ${flood.office.duringFlood.p95} ms (tasks p95 ${flood.office.duringFlood.tasks.p95} ms, dashboard p95 ${flood.office.duringFlood.dashboard.p95} ms; ${flood.office.duringFlood.tasks.n + flood.office.duringFlood.dashboard.n} reads, ${flood.office.duringFlood.errors} errors) |`,
    );
    out.push(`| ratio (goal ≤ 2×) | ${flood.office.p95Ratio}× |`);
    out.push(`| every genuine objection filed, office within 2× | ${yes(flood.invariantsHold)} |`);
    out.push('');
    if (flood.office.p95Ratio > 2) {
      const admitted = flood.posts - (flood.floodReplies.GATEWAY_THROTTLED ?? 0);
      out.push(
        `**Not met in this run: the office's p95 during the flood was ${flood.office.p95Ratio}× the idle p95** (goal ≤ 2×). ` +
          `The route throttle let ${admitted} of the ${flood.posts.toLocaleString('en')} posts reach the function over ${flood.sentInSeconds} s; the rest were answered 429 by the local gateway. ` +
          "What is known about where the time went: the harness that generates the flood runs on the same two cores as the cloud (and as other work on this machine); the local cloud runs every function on one thread and DynamoDB Local on one more, so the office's reads share them with the admitted posts, where on AWS each invocation has its own instance and the table scales; and the local API receives every one of the posts before throttling them. " +
          'This run does not separate those causes.',
      );
      out.push('');
    }
    out.push(
      "How the flood was refused: the route's own throttle turned most posts away at the gateway (`GATEWAY_THROTTLED`) without running the function; of the posts that reached it, each source got its first few through the per-source limit and was then refused `OBJECTION_RATE_LIMITED`; exact repeats were folded into the objection already filed (`REPEAT`), and junk was refused for its content. " +
        "A genuine objector whose post meets the route throttle is turned away too (the throttle cannot tell people apart); the harness's objectors try again two seconds later, as a person would, and the attempts above are what it took.",
    );
  }
  out.push('');

  if (doc.notes?.flood) out.push('', `**Observed in this run:** ${doc.notes.flood}`, '');
  out.push('## Soak');
  out.push('');
  const soak = r.soak;
  out.push(notRun(doc, 'soak') ?? '');
  if (r.soak) out.push(machineLoad(r.soak), '');
  if (soak) {
    out.push(
      `${soak.minutes} minutes${soak.plannedMinutes && soak.minutes < soak.plannedMinutes ? ` (**cut short** from the planned ${soak.plannedMinutes} to finish by the run's deadline; the slope below is over this shorter soak)` : ''} of a steady trickle on the same cloud: a revised dossier every 10 s, an eligibility decision and up to three panel scores every 20 s, two objection posts a second (one genuine every 7.5 s), the office's dashboard every 2 s. RSS of the cloud's whole process tree every 5 s.`,
    );
    out.push('');
    out.push('| figure | measured |');
    out.push('|---|---|');
    out.push(
      `| work done | ${soak.uploads} uploads (${soak.uploadFailures} failed), ${soak.eligibilityDecisions} eligibility decisions, ${soak.panelScores} panel scores, ${soak.objectionPosts} objection posts, ${soak.officeReads} dashboard reads |`,
    );
    out.push(`| objection replies | ${counts(soak.objectionReplies)} |`);
    out.push(`| server errors (5xx) | ${soak.serverErrors} |`);
    out.push(`| RSS first / last / min / max | ${soak.rssMiB.first} / ${soak.rssMiB.last} / ${soak.rssMiB.min} / ${soak.rssMiB.max} MiB |`);
    out.push(
      `| RSS slope | ${soak.rssSlopeMiBPerMinute.whole} MiB/min over the whole soak, ${soak.rssSlopeMiBPerMinute.secondHalf} MiB/min over its second half |`,
    );
  }
  out.push('');

  if (doc.notes?.soak) out.push('', `**Observed in this run:** ${doc.notes.soak}`, '');
  out.push('## Regression tests');
  out.push('');
  out.push(
    "The invariants above, at small scale and by counts only, run in the e2e project (`test/e2e/load.test.ts`): a deadline rush with re-uploads, an objection flood from a few sources with genuine objections, and a panel scored at once with double submits. The guard's rules have unit and property tests (`test/unit/objections/guard.test.ts`, `test/unit/api/objection-guard.test.ts`).",
  );
  out.push('');
  out.push('## CloudFront and AWS WAF in front of the API (optional)');
  out.push('');
  out.push(
    'HTTP APIs cannot take a WAF web ACL directly. A deployment that wants address-based rate limiting before the API can put a CloudFront distribution in front of it with a web ACL (scope `CLOUDFRONT`, created in us-east-1) holding a rate-based rule, for example 100 requests per 5 minutes per forwarded IP on `POST /rounds/*/objections`, action block (or CAPTCHA), plus the AWS managed IP reputation list. ' +
      'The API then has to accept traffic from that distribution only (a secret origin header checked by the function, or a private integration), or the rule can be walked around by calling the API directly. ' +
      'This stack does not add it: it would mean a second distribution, a us-east-1 stack for the web ACL, and an origin secret to rotate, and the route throttle plus the per-source limit above already bound the flood measured here. See README, "Abuse protection".',
  );
  out.push('');
  return `${out.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n')}\n`;
}
