// `npm run dev:github`: the GitHub simulator the tests use, on a fixed port for local development.
import { generateRepository } from "../tests/support/github-simulator/data";
import { startGitHubSimulator } from "../tests/support/github-simulator/server";

const port = Number(process.env.GITHUB_SIMULATOR_PORT ?? 4010);
const repository = generateRepository({ now: new Date().toISOString() });
const simulator = await startGitHubSimulator({
  repository,
  port,
  token: process.env.GITHUB_SIMULATOR_TOKEN ?? "sim-token",
});
console.log(
  `GitHub simulator for ${repository.owner}/${repository.name} (${repository.issues.size} issues and PRs) at ${simulator.url}`,
);
console.log(
  `Try: GITHUB_API_URL=${simulator.url} GITHUB_TOKEN=${simulator.token} npm run sync -- ${repository.owner}/${repository.name}`,
);
