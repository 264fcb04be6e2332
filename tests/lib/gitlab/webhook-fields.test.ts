import { describe, expect, it } from "vitest";
import { gitlabRepositoryName, gitlabTime } from "@/lib/gitlab/webhook-fields";

describe("gitlabRepositoryName", () => {
  it.each([
    ["https://gitlab.com/group/sub/project", "gitlab.com/group/sub/project"],
    ["http://192.168.64.1:3005/gitlab-org/gitlab-test", "192.168.64.1:3005/gitlab-org/gitlab-test"],
    ["https://GitLab.Example.com/Team/API/", "gitlab.example.com/Team/API"],
    ["https://gitlab.com/group/project.git", "gitlab.com/group/project"],
  ])("%s is %s", (url, name) => expect(gitlabRepositoryName(url)).toBe(name));

  it.each(["git@gitlab.com:group/project.git", "https://gitlab.com/", "https://gitlab.com/only-a-group", "javascript:alert(1)//a/b", "not a url"])(
    "%s names no project",
    (url) => expect(gitlabRepositoryName(url)).toBeUndefined(),
  );
});

describe("gitlabTime", () => {
  it("reads each of GitLab's forms", () => {
    expect(gitlabTime.parse("2016-08-12 15:23:28 UTC")).toEqual(new Date("2016-08-12T15:23:28Z"));
    expect(gitlabTime.parse("2012-01-03T23:36:29+02:00")).toEqual(new Date("2012-01-03T21:36:29Z"));
    // A deployment's status_changed_at: the server's zone as an offset.
    expect(gitlabTime.parse("2021-04-28 21:50:00 +0200")).toEqual(new Date("2021-04-28T19:50:00Z"));
    expect(gitlabTime.parse("2021-04-28 21:50:00 -0530")).toEqual(new Date("2021-04-29T03:20:00Z"));
    expect(gitlabTime.safeParse("yesterday").success).toBe(false);
    expect(gitlabTime.safeParse("2021-04-28 21:50:00 CEST").success).toBe(false);
  });
});
