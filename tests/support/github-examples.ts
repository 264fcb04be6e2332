// GitHub's webhook payload examples, by the names the tests use: `<event>/<file>`, the path of
// each in the octokit/webhooks repository (payload-examples/api.github.com). They come from the
// npm package @octokit/webhooks-examples (MIT), which lists each event's examples in that
// folder's file order but without file names; EXAMPLE_FILES puts the names back, position by
// position. The package is pinned to an exact version because a new one may add examples and
// shift the positions. The one example the package no longer carries (registry_package) is kept
// in tests/fixtures/github; tests/fixtures/README.md says where every fixture comes from.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

export const fixturesDir = path.resolve(import.meta.dirname, "../fixtures");

export type GithubFixture = { event: string; file: string; text: string };

type EventExamples = { name: string; examples: unknown[] };

/**
 * For each event, the file name of each example in the package's order; null where the
 * package's example is not one of the files these tests were written against (the first of
 * each event), which the tests leave out.
 */
const EXAMPLE_FILES: Record<string, (string | null)[]> = {
  check_suite: [
    null,
    "completed.1.payload.json",
    "completed.payload.json",
    "completed.with-organization.payload.json",
    "requested.payload.json",
    "requested.payload.with-email-with-special-characters.json",
    "requested.with-organization.payload.json",
    "rerequested.payload.json",
    "rerequested.with-organization.payload.json",
  ],
  create: [
    null,
    "payload.json",
    "with-description.payload.json",
    "with-installation.payload.json",
    "with-organization.payload.json",
  ],
  delete: [
    null,
    "payload.json",
    "with-installation.payload.json",
    "with-organization.payload.json",
  ],
  deployment: [
    null,
    "gh-pages.payload.json",
    "payload.json",
    "with-installation.payload.json",
  ],
  deployment_status: [
    null,
    "gh-pages.payload.json",
    "payload.json",
    "with-installation.payload.json",
  ],
  package: [
    null,
    "published.docker.payload.json",
    "published.npm.payload.json",
  ],
  ping: [
    null,
    "payload.json",
    "with-app_id.payload.json",
    "with-organization.payload.json",
  ],
  pull_request: [
    null,
    "assigned.payload.json",
    "assigned.with-organization.payload.json",
    "closed.payload.json",
    "closed.with-organization.payload.json",
    "converted_to_draft.payload.json",
    "converted_to_draft.with-installation.payload.json",
    "converted_to_draft.with-organization.payload.json",
    "labeled.payload.json",
    "labeled.with-organization.payload.json",
    "locked.payload.json",
    "locked.with-organization.payload.json",
    "opened.payload.json",
    "opened.with-null-body.json",
    "opened.with-organization.payload.json",
    "ready_for_review.payload.json",
    "ready_for_review.with-installation.payload.json",
    "ready_for_review.with-organization.payload.json",
    "reopened.payload.json",
    "reopened.with-organization.payload.json",
    "review_request_removed.payload.json",
    "review_requested.payload.json",
    "synchronize.payload.json",
    "unassigned.payload.json",
    "unassigned.with-organization.payload.json",
    "unlabeled.payload.json",
    "unlabeled.with-organization.payload.json",
    "unlocked.payload.json",
    "unlocked.with-organization.payload.json",
  ],
  push: [
    null,
    "1.payload.json",
    "payload.json",
    "with-installation.payload.json",
    "with-new-branch.payload.json",
    "with-no-username-committer.payload.json",
    "with-organization.payload.json",
  ],
  release: [
    null,
    "created.payload.json",
    "created.with-discussion-url.payload.json",
    "created.with-installation.payload.json",
    "deleted.payload.json",
    "deleted.with-reactions.payload.json",
    "edited.payload.json",
    "edited.with-reactions.payload.json",
    "prereleased.payload.json",
    "prereleased.with-discussion-url.payload.json",
    "published.payload.json",
    "published.with-discussion-url.payload.json",
    "released.json",
  ],
  status: [
    null,
    "payload.json",
    "with-author-committer-null.payload.json",
    "with-installation.payload.json",
  ],
  workflow_run: [
    null,
    "completed.payload.json",
    "completed.with-pull-requests.payload.json",
    "requested.payload.json",
    "requested.with-conclusion.payload.json",
  ],
};

let cached: GithubFixture[] | undefined;

/** Every named example, with its event name; bodies as pretty-printed JSON text. */
export function githubExamples(): GithubFixture[] {
  cached ??= [...packagedExamples(), ...localExamples()].sort((a, b) => a.file.localeCompare(b.file));
  return cached.map((fixture) => ({ ...fixture }));
}

/** One example, parsed afresh so a test may edit its copy. */
export function githubExample(file: string): Record<string, any> {
  const found = githubExamples().find((fixture) => fixture.file === file);
  if (!found) throw new Error(`no GitHub payload example ${file} in @octokit/webhooks-examples or tests/fixtures/github`);
  return JSON.parse(found.text) as Record<string, any>;
}

function packagedExamples(): GithubFixture[] {
  const require = createRequire(import.meta.url);
  const events = JSON.parse(readFileSync(require.resolve("@octokit/webhooks-examples"), "utf8")) as EventExamples[];
  const fixtures: GithubFixture[] = [];
  for (const [event, files] of Object.entries(EXAMPLE_FILES)) {
    const examples = events.find((candidate) => candidate.name === event)?.examples ?? [];
    if (examples.length !== files.length) {
      throw new Error(`@octokit/webhooks-examples has ${examples.length} ${event} examples, EXAMPLE_FILES names ${files.length}: is the package still the pinned version?`);
    }
    files.forEach((file, index) => {
      if (file !== null) fixtures.push({ event, file: `${event}/${file}`, text: `${JSON.stringify(examples[index], null, 2)}\n` });
    });
  }
  return fixtures;
}

function localExamples(): GithubFixture[] {
  const root = path.join(fixturesDir, "github");
  const fixtures: GithubFixture[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true }).filter((candidate) => candidate.isDirectory())) {
    for (const file of readdirSync(path.join(root, entry.name)).filter((name) => name.endsWith(".json")).sort()) {
      fixtures.push({ event: entry.name, file: `${entry.name}/${file}`, text: readFileSync(path.join(root, entry.name, file), "utf8") });
    }
  }
  return fixtures;
}
