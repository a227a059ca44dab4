import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { requireApiSteward } from "../../app/auth.server";
import { readJsonBody } from "../../app/http.server";
import { createMentoringPlan } from "../../app/models/mentoring-plan.server";
import { loader as auditApiLoader } from "../../app/routes/api.audit";
import { todayUtc } from "../../app/stewardship/metrics";
import { defaultConfig, setUpTestDatabase } from "../support/db";
import { knownHistory, store } from "../support/factories";
import { generateRepository } from "../support/github-simulator/data";
import { startGitHubSimulator, type GitHubSimulator } from "../support/github-simulator/server";

// Who may write through the JSON API: a GitHub token, checked against GitHub's /user (the simulator's),
// then the same steward rule as pages. And the audit trail read for the person a write is about.
const origin = "http://steward.test";
const test = setUpTestDatabase({ asAppDatabase: true });
let github: GitHubSimulator;
const saved = { ...process.env };

beforeAll(async () => {
  github = await startGitHubSimulator({ repository: generateRepository({ now: `${todayUtc()}T12:00:00Z` }) });
  const config = JSON.parse(fs.readFileSync(path.resolve("steward.config.json"), "utf8")) as Record<string, unknown>;
  const configFile = path.join(test.dir, "steward.config.json");
  fs.writeFileSync(configFile, JSON.stringify({ ...config, stewards: ["steward-sam"] }));
  Object.assign(process.env, { STEWARD_CONFIG: configFile, GITHUB_API_URL: github.url });
  // alice-l is an active maintainer of the middle-end as of today.
  await store(test.db, defaultConfig(), knownHistory(todayUtc()));
  await test.db.insertInto("people").values({ login: "newcomer-nia", name: "Nia Newcomer" }).execute();
});
afterAll(async () => {
  process.env = saved;
  await github.close();
});

async function refusal(promise: Promise<unknown>): Promise<{ status: number; error: string; headers: Headers }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Response) {
      return { status: error.status, error: ((await error.json()) as { error: string }).error, headers: error.headers };
    }
    throw error;
  }
  throw new Error("expected a refusal");
}

const withToken = (token: string | null) =>
  new Request(`${origin}/api/plans`, {
    method: "POST",
    headers: token === null ? {} : { Authorization: `Bearer ${token}` },
  });

describe("API writers", () => {
  it("takes a steward's GitHub token at /user's word: an active maintainer or a configured steward", async () => {
    expect(await requireApiSteward(withToken(github.personalToken("alice-l")), test.db)).toEqual({ login: "alice-l" });
    const sam = new Request(`${origin}/api/plans`, {
      headers: { Authorization: `token ${github.personalToken("steward-sam")}` },
    });
    expect(await requireApiSteward(sam, test.db)).toEqual({ login: "steward-sam" });
  });

  it("asks GitHub once for a burst of writes with the same token", async () => {
    const token = github.personalToken("alice-l");
    const asked = () => github.log.filter((r) => r.path === "/user").length;
    const before = asked();
    for (let i = 0; i < 5; i++) await requireApiSteward(withToken(token), test.db);
    expect(asked() - before).toBe(1);
  });

  it("answers 401 without a token or with one GitHub refuses, and 403 to someone who may only read", async () => {
    const none = await refusal(requireApiSteward(withToken(null), test.db));
    expect(none.status).toBe(401);
    expect(none.error).toContain("Authorization: Bearer");
    expect(none.headers.get("WWW-Authenticate")).toContain("Bearer");
    const forged = await refusal(requireApiSteward(withToken("ghp_not-a-real-token"), test.db));
    expect(forged.status).toBe(401);
    expect(forged.error).toContain("GitHub does not accept this token");
    const reader = await refusal(requireApiSteward(withToken(github.personalToken("newcomer-nia")), test.db));
    expect(reader.status).toBe(403);
    expect(reader.error).toContain("@newcomer-nia may read but not write");
  });

  it("answers 503 in words when GitHub cannot be reached to check the token", async () => {
    const url = process.env.GITHUB_API_URL;
    process.env.GITHUB_API_URL = "http://127.0.0.1:9";
    try {
      const down = await refusal(requireApiSteward(withToken("ghp_unchecked"), test.db));
      expect(down.status).toBe(503);
      expect(down.error).toContain("could not check the token with GitHub");
    } finally {
      process.env.GITHUB_API_URL = url;
    }
  });

  it("reads a JSON body against its schema, naming the field that is wrong", async () => {
    const schema = z.object({ stage: z.string(), target: z.number().int().min(1) });
    const post = (body: string) => new Request(`${origin}/api/goals`, { method: "POST", body });
    expect(await readJsonBody(post('{"stage":"backend","target":2}'), schema)).toEqual({ stage: "backend", target: 2 });
    expect(await refusal(readJsonBody(post("{stage"), schema))).toMatchObject({
      status: 400,
      error: expect.stringContaining("not JSON"),
    });
    expect(await refusal(readJsonBody(post('{"stage":"backend","target":0}'), schema))).toMatchObject({
      status: 400,
      error: expect.stringMatching(/^target: /),
    });
    expect(await refusal(readJsonBody(post(JSON.stringify({ stage: "x".repeat(70_000) })), schema))).toMatchObject({
      status: 413,
    });
  });
});

describe("the audit trail about one person", () => {
  it("lists the writes about a person (as mentor or mentee), and nothing for a login Steward does not know", async () => {
    const created = await createMentoringPlan(test.db, {
      plan: {
        stage: "middle-end",
        mentor: "alice-l",
        mentee: "newcomer-nia",
        aim: "second maintainer",
        notes: "",
        tasks: [],
      },
      stageIds: ["frontend", "middle-end", "backend"],
      login: "steward-sam",
      now: `${todayUtc()}T10:00:00Z`,
    });
    expect(created.ok).toBe(true);
    const read = async (query: string) => {
      const response = (await auditApiLoader({
        request: new Request(`${origin}/api/audit?${query}`),
        params: {},
        context: {},
      })) as Response;
      return ((await response.json()) as { events: Array<{ subject: string; login: string }> }).events;
    };
    expect((await read("about=newcomer-nia")).map((e) => e.login)).toEqual(["steward-sam"]);
    expect(await read("about=@Alice-L")).toHaveLength(1);
    expect(await read("about=bob-b")).toEqual([]);
    expect(await read("about=nobody-here")).toEqual([]);
    const bad = (await auditApiLoader({
      request: new Request(`${origin}/api/audit?about=a%20b`),
      params: {},
      context: {},
    })) as Response;
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain("about must be a GitHub login");
  });
});
