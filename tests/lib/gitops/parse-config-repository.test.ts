import { describe, expect, it } from "vitest";
import { configRepositoryOf } from "@/lib/gitops/parse-config-repository";

describe("configRepositoryOf", () => {
  it("names a config repository on the GitLab instance as Shiplog names GitLab projects (host and full path, subgroups kept)", () => {
    for (const url of [
      "https://gitlab.example.com/platform/deploy/fleet.git",
      "https://gitlab.example.com/platform/deploy/fleet",
      "https://GitLab.example.com/platform/deploy/fleet/",
      "git@gitlab.example.com:platform/deploy/fleet.git",
      "ssh://git@gitlab.example.com:2222/platform/deploy/fleet.git",
    ]) {
      expect(configRepositoryOf(url, "gitlab.example.com"), url).toEqual({ forge: "gitlab", repository: "gitlab.example.com/platform/deploy/fleet" });
    }
  });

  it("keeps a web port in the name (as GitLab's web URLs do) and matches https only on that port", () => {
    expect(configRepositoryOf("https://git.example.com:8443/team/deploy.git", "git.example.com:8443")).toEqual({ forge: "gitlab", repository: "git.example.com:8443/team/deploy" });
    expect(configRepositoryOf("git@git.example.com:team/deploy.git", "git.example.com:8443")).toEqual({ forge: "gitlab", repository: "git.example.com:8443/team/deploy" });
    expect(configRepositoryOf("https://git.example.com/team/deploy.git", "git.example.com:8443")).toEqual({ forge: "github", repository: "team/deploy" });
  });

  it("leaves every other host to GitHub as before, and refuses what is neither", () => {
    expect(configRepositoryOf("https://github.com/acme/deploy.git", "gitlab.com")).toEqual({ forge: "github", repository: "acme/deploy" });
    expect(configRepositoryOf("https://gitlab.com/acme/deploy.git", null)).toEqual({ forge: "github", repository: "acme/deploy" });
    expect(configRepositoryOf("https://gitlab.com/acme", "gitlab.com")).toBeNull();
    expect(configRepositoryOf("https://charts.example.com", "gitlab.com")).toBeNull();
    expect(configRepositoryOf(null, "gitlab.com")).toBeNull();
  });
});
