/**
 * Loading a simulator scenario: fetch, parse, check against scenario.schema.json,
 * then check what a schema cannot (names that must refer to each other).
 */

import { validate } from "./schema.js";
import { METHODS } from "../client/service-client.js";

/** The names a fault can be set for: outbound's methods bare, every other namespace's qualified. */
export const FAULT_NAMES = Object.freeze(Object.entries(METHODS).flatMap(([namespace, methods]) =>
  Object.keys(methods).map((method) => (namespace === "outbound" ? method : `${namespace}.${method}`))));

/** A scenario that cannot be used; `problems` say which key is wrong and why. */
export class ScenarioError extends Error {
  constructor(url, problems) {
    super(`scenario ${url} is not valid:\n` + problems.map((p) => `  ${p.path}: ${p.message}`).join("\n"));
    this.name = "ScenarioError";
    this.url = url;
    this.problems = problems;
  }
}

async function fetchJson(url, what) {
  let response;
  try {
    response = await fetch(url, { cache: "no-cache" });
  } catch (error) {
    throw new ScenarioError(url, [{ path: "(file)", message: `cannot load the ${what}: ${error.message}` }]);
  }
  if (!response.ok) {
    throw new ScenarioError(url, [{ path: "(file)", message: `cannot load the ${what}: HTTP ${response.status}` }]);
  }
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(url, [{ path: "(file)", message: `the ${what} is not JSON: ${error.message}` }]);
  }
}

/** Cross-references the schema cannot express. */
export function crossCheck(scenario) {
  const problems = [];
  const fieldSets = scenario.fieldSets ?? {};
  const campaigns = new Map();
  const handles = new Map();
  scenario.campaigns.forEach((campaign, i) => {
    if (campaigns.has(campaign.name)) problems.push({ path: `/campaigns/${i}/name`, message: `${JSON.stringify(campaign.name)} is used by another campaign` });
    campaigns.set(campaign.name, campaign);
    if (campaign.fieldSet !== undefined && !Object.hasOwn(fieldSets, campaign.fieldSet)) {
      problems.push({ path: `/campaigns/${i}/fieldSet`, message: `${JSON.stringify(campaign.fieldSet)} is not a key of fieldSets` });
    }
    const chainIds = new Set();
    campaign.chains.forEach((chain, j) => {
      if (chainIds.has(chain.chainId)) problems.push({ path: `/campaigns/${i}/chains/${j}/chainId`, message: `chain ${chain.chainId} appears twice in this campaign` });
      chainIds.add(chain.chainId);
      chain.records.forEach((record, k) => {
        const where = `/campaigns/${i}/chains/${j}/records/${k}/GSW_RECORD_HANDLE`;
        if (handles.has(record.GSW_RECORD_HANDLE)) problems.push({ path: where, message: `record handle ${record.GSW_RECORD_HANDLE} is also used at ${handles.get(record.GSW_RECORD_HANDLE)}` });
        handles.set(record.GSW_RECORD_HANDLE, where);
      });
    });
  });
  const interactionIds = new Set();
  const taken = new Set();
  (scenario.interactions ?? []).forEach((interaction, i) => {
    if (interactionIds.has(interaction.interactionId)) problems.push({ path: `/interactions/${i}/interactionId`, message: "is used by another interaction" });
    interactionIds.add(interaction.interactionId);
    const campaign = campaigns.get(interaction.campaign);
    if (!campaign) {
      problems.push({ path: `/interactions/${i}/campaign`, message: `${JSON.stringify(interaction.campaign)} is not a campaign name` });
    } else if (!campaign.chains.some((c) => c.chainId === interaction.chainId)) {
      problems.push({ path: `/interactions/${i}/chainId`, message: `campaign ${JSON.stringify(campaign.name)} has no chain ${interaction.chainId}` });
    } else if (taken.has(`${campaign.name}\0${interaction.chainId}`)) {
      problems.push({ path: `/interactions/${i}/chainId`, message: `chain ${interaction.chainId} already belongs to another interaction` });
    }
    taken.add(`${interaction.campaign}\0${interaction.chainId}`);
  });
  for (const method of Object.keys(scenario.faults ?? {})) {
    if (!FAULT_NAMES.includes(method)) {
      problems.push({ path: `/faults/${method}`, message: `is not a WWE method (outbound's by name, e.g. getRecordFields; the others qualified, e.g. interaction.markdone)` });
    }
  }
  return problems;
}

/**
 * Load and check a scenario.
 * @param {string} url the scenario
 * @param {string} schemaUrl scenario.schema.json
 * @throws {ScenarioError} listing every problem, each with its key path
 */
export async function loadScenario(url, schemaUrl) {
  const [scenario, schema] = await Promise.all([fetchJson(url, "scenario"), fetchJson(schemaUrl, "scenario schema")]);
  const problems = validate(scenario, schema);
  if (problems.length) throw new ScenarioError(url, problems);
  const crossProblems = crossCheck(scenario);
  if (crossProblems.length) throw new ScenarioError(url, crossProblems);
  return scenario;
}
