// Which directories of its service's repository one Argo CD application says are the service's
// code, for monorepos (a release lists only the commits that touched them). First answer wins:
//   1. Argo CD's own convention, the `argocd.argoproj.io/manifest-generate-paths` annotation
//      (";"-separated; relative to the source path, "/" from the repository root), when the
//      source repository is the service's;
//   2. a classification rule: the first `pathsLabels` label (default `shiplog.io/paths`). Label
//      values cannot hold "/" or ",": "." stands for "/" and "__" separates paths, so
//      `services.checkout__libs.money` is `services/checkout` and `libs/money`;
//   3. the application's source path, when its source repository is the service's code
//      repository (the manifests live beside the code).
// None of these: null, the application says nothing about paths (not "the whole repository").
import type { ClassificationRules } from "./classify-application";

export const MANIFEST_GENERATE_PATHS = "argocd.argoproj.io/manifest-generate-paths";

export type ApplicationSource = {
  labels: Record<string, string>;
  /** The manifest-generate-paths annotation's value. */
  manifestGeneratePaths?: string | null;
  repoUrl: string | null | undefined;
  path: string | null | undefined;
};

/** Normalised directories (no leading "./" or "/", no trailing "/"), sorted; null when none is named. */
export function applicationPaths(
  application: ApplicationSource,
  serviceRepository: string | null,
  rules: Pick<ClassificationRules, "pathsLabels">,
): string[] | null {
  const sameRepository = serviceRepository !== null && repositoryOfUrl(application.repoUrl) === serviceRepository.toLowerCase();
  const annotation = application.manifestGeneratePaths?.trim();
  if (annotation && sameRepository) {
    const paths = normalisePaths(annotation.split(";").map((entry) => (entry.trim().startsWith("/") ? entry : `${application.path ?? ""}/${entry}`)));
    if (paths) return paths;
  }
  for (const key of rules.pathsLabels) {
    const value = application.labels[key]?.trim();
    if (value) {
      const paths = normalisePaths(value.split("__").map((entry) => entry.replaceAll(".", "/")));
      if (paths) return paths;
    }
  }
  if (sameRepository && application.path) return normalisePaths([application.path]);
  return null;
}

/** "https://github.com/Acme/Mono.git" → "acme/mono"; git@ and ssh:// forms too; null for other shapes. */
export function repositoryOfUrl(url: string | null | undefined): string | null {
  const match = url?.trim().match(/^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?[^/:]+[/:]([^/]+\/[^/]+?)(?:\.git)?\/?$/i);
  return match ? match[1]!.toLowerCase() : null;
}

/** Directory prefixes; "." segments resolved; the repository root ("", ".") means no narrowing: null. */
function normalisePaths(entries: string[]): string[] | null {
  const paths = new Set<string>();
  for (const entry of entries) {
    const segments: string[] = [];
    for (const segment of entry.trim().split("/")) {
      if (segment === "" || segment === ".") continue;
      if (segment === "..") segments.pop();
      else segments.push(segment);
    }
    // One entry naming the whole repository: every commit counts.
    if (segments.length === 0) return null;
    paths.add(segments.join("/"));
  }
  return paths.size === 0 ? null : [...paths].sort();
}
