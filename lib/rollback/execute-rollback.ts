// Runs the due wave of a rollback group: the lowest wave with approved rollbacks, once every
// earlier wave has succeeded. Each rollback is claimed (APPROVED → EXECUTING, so a double
// click or a second runner cannot run it twice), executed outside any transaction, then moved
// to WAITING_FOR_SYNC (or FAILED, which stops the group). Argo CD: a dry run, then the real
// rollback with the history id. GitOps: a pull request that sets the image tag back.
import type { Db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { AppError } from "../http/app-error";
import { advanceRollbacks } from "./advance-rollbacks";
import { explainArgoCdError, explainGitopsError } from "./explain-rollback-error";
import { openGitopsPullRequest } from "../gitops/open-gitops-pull-request";
import { buildRollbackCommitMessage } from "./build-rollback-commit-message";
import { gitopsTargetOf } from "./decide-rollback-plan";
import type { RollbackDependencies } from "./rollback-dependencies";
import type { RollbackActor } from "./rollback-plan";
import { stopRollbackGroup } from "./stop-rollback-group";
import { transitionRollback } from "./transition-rollback";

export type ExecuteResult = { wave: number | null; executed: number[]; failed: number[]; cancelled: number[] };

/** Rollbacks of one wave run a few at a time; the first failure stops the rest. */
const CONCURRENCY = 4;

const include = {
  application: { include: { argoInstance: { select: { name: true } }, cluster: { select: { name: true } }, service: { select: { name: true, repository: true } } } },
  toRelease: { select: { id: true, version: true, image: true, imageTag: true, commitSha: true } },
} as const;

export async function executeRollback(db: Db, rollbackId: number, who: RollbackActor, deps: RollbackDependencies): Promise<ExecuteResult> {
  const rollback = await db.rollback.findUnique({ where: { id: rollbackId }, select: { id: true, groupId: true } });
  if (!rollback) throw new AppError("not_found", `Rollback ${rollbackId} does not exist.`);
  const group = await db.rollback.findMany({ where: rollback.groupId ? { groupId: rollback.groupId } : { id: rollback.id }, include, orderBy: [{ wave: "asc" }, { id: "asc" }] });
  const result: ExecuteResult = { wave: null, executed: [], failed: [], cancelled: [] };
  const unfinished = group.filter((member) => member.state !== "SUCCEEDED");
  const wave = unfinished[0]?.wave;
  if (wave === undefined) return result;
  // An earlier wave still running (or failed) holds the later ones back.
  if (unfinished.some((member) => member.wave === wave && member.state !== "APPROVED" && member.state !== "EXECUTING" && member.state !== "WAITING_FOR_SYNC")) return result;
  const due = unfinished.filter((member) => member.wave === wave && member.state === "APPROVED");
  result.wave = wave;
  let stopped = false;
  const queue = [...due];
  const worker = async () => {
    for (let member = queue.shift(); member && !stopped; member = queue.shift()) {
      const ref = { id: member.id, state: member.state, applicationId: member.applicationId, groupId: member.groupId };
      const claimed = await db.$transaction((tx) =>
        transitionRollback(tx, ref, "EXECUTING", { actor: who.actor, requestId: who.requestId, at: deps.now(), note: member.method === "ARGOCD" ? "Argo CD rollback" : "GitOps pull request" }),
      );
      if (!claimed) continue;
      const outcome = await perform(db, member, deps);
      const executing = { ...ref, state: "EXECUTING" as const };
      if (outcome.ok) {
        await db.$transaction(async (tx) => {
          await transitionRollback(tx, executing, "WAITING_FOR_SYNC", { actor: who.actor, requestId: who.requestId, at: deps.now(), note: outcome.note, data: { pullRequestUrl: outcome.pullRequestUrl ?? undefined } });
          // Argo CD may have reported the healthy sync before this commit: look at once.
          await advanceRollbacks(tx, { applicationIds: [member.applicationId], now: deps.now() });
        });
        result.executed.push(member.id);
      } else {
        stopped = true;
        await db.$transaction(async (tx) => {
          await transitionRollback(tx, executing, "FAILED", { actor: who.actor, requestId: who.requestId, at: deps.now(), note: outcome.error, data: { error: outcome.error } });
          if (member.groupId) result.cancelled.push(...(await stopRollbackGroup(tx, member.groupId, `rollback #${member.id} failed: ${outcome.error}`, deps.now())));
        });
        result.failed.push(member.id);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, worker));
  return result;
}

type Member = Prisma.RollbackGetPayload<{ include: typeof include }>;

type Outcome = { ok: true; note: string; pullRequestUrl?: string } | { ok: false; error: string };

async function perform(db: Db, member: Member, deps: RollbackDependencies): Promise<Outcome> {
  const app = member.application;
  if (member.method === "ARGOCD") {
    const client = deps.argocd(app.argoInstance.name);
    if (!client) return { ok: false, error: `Shiplog has no API access to Argo CD instance ${app.argoInstance.name} (ARGOCD_INSTANCES).` };
    if (member.argoHistoryId === null) return { ok: false, error: `No Argo CD history id is known for ${member.toRelease.version} on ${app.name}.` };
    const request = { id: member.argoHistoryId, appNamespace: app.namespace, project: app.project };
    try {
      await client.rollback(app.name, { ...request, dryRun: true });
    } catch (error) {
      return { ok: false, error: `Dry run refused, nothing was changed. ${explainArgoCdError(error, app.name)}` };
    }
    try {
      await client.rollback(app.name, { ...request, dryRun: false });
    } catch (error) {
      return { ok: false, error: explainArgoCdError(error, app.name) };
    }
    return { ok: true, note: `Argo CD is syncing ${app.name} to history entry ${member.argoHistoryId} (${member.toRelease.version}).` };
  }
  const target = gitopsTargetOf(app, deps.gitlab?.host);
  if (!target) return { ok: false, error: `${app.name}'s source is not a folder of a GitHub or GitLab repository.` };
  const commit = member.toRelease.commitSha
    ? await loadCommit(member.toRelease.commitSha, app.service.repository)
    : null;
  try {
    const pull = await openGitopsPullRequest(deps, {
      target,
      image: member.toRelease.image ?? app.service.name,
      tag: member.toRelease.imageTag ?? member.toRelease.version,
      autoMerge: deps.settings.autoMerge,
      branch: `shiplog/rollback-${member.id}`,
      text: (change) => {
        const text = buildRollbackCommitMessage({
          rollbackId: member.id,
          service: app.service.name,
          application: app.name,
          cluster: app.cluster.name,
          version: member.toRelease.version,
          requestedBy: member.requestedBy,
          reason: member.reason,
          url: deps.rollbackUrl(member.id),
          commit,
        });
        const image = member.toRelease.image ?? app.service.name;
        const tag = member.toRelease.imageTag ?? member.toRelease.version;
        return { ...text, body: `${text.body}\n\nSets the image tag of \`${image}\` in \`${change.filePath}\` from \`${change.previousTag ?? "(none)"}\` back to \`${tag}\`.` };
      },
    });
    return {
      ok: true,
      pullRequestUrl: pull.url,
      note: `${pull.merged ? "Merged" : "Opened"} ${pull.url} (${pull.filePath}: ${pull.previousTag ?? "(none)"} → ${member.toRelease.imageTag ?? member.toRelease.version})${pull.merged ? "" : "; waiting for it to be merged"}.`,
    };
  } catch (error) {
    return { ok: false, error: explainGitopsError(error, target) };
  }

  async function loadCommit(sha: string, codeRepository: string | null) {
    const row = await db.commit.findFirst({ where: { sha, ...(codeRepository ? { repository: codeRepository } : {}) }, select: { message: true, authorName: true, committedAt: true, repository: true } });
    return { sha, repository: row?.repository ?? codeRepository, message: row?.message ?? null, authorName: row?.authorName ?? null, committedAt: row?.committedAt ?? null };
  }
}
