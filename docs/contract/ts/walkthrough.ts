// A partner's TypeScript client for techbridge, generated from the OpenAPI
// document (openapi-typescript) and called through openapi-fetch: the README
// walk-through's partner steps, typed end to end. docs/contract/tsc-check.sh
// generates ./schema.d.ts, compiles this under tsc --strict and, when
// TECHBRIDGE_URL is set, runs it.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type DemandRequest = components["schemas"]["DemandRequest"];

const baseUrl = process.env.TECHBRIDGE_URL ?? "http://localhost:8080";
const client = createClient<paths>({ baseUrl });

async function main(): Promise<void> {
  // Staff log in (people), or a machine client gets a token at /api/v1/oauth/token.
  const login = await client.POST("/api/v1/auth/login", {
    body: { email: process.env.TECHBRIDGE_EMAIL ?? "admin@localhost", password: process.env.TECHBRIDGE_PASSWORD ?? "" },
  });
  if (!login.data) throw new Error(`login: ${login.error?.type} ${login.error?.detail ?? ""}`);
  const auth = { headers: { Authorization: `Bearer ${login.data.access_token}` } };

  const inst = await client.POST("/api/v1/institutions", {
    ...auth,
    body: { name: "Con Dao Power", country: "VN", type: "enterprise", sectors: ["new_energy"] },
  });
  if (!inst.data) throw new Error(`institution: ${inst.error?.type}`);

  const demand: DemandRequest = {
    institution_id: inst.data.id,
    title: "Battery energy storage for an island grid",
    summary: "We need lithium battery storage to stabilise the diesel and solar micro-grid on Con Dao island",
    language: "en",
    sector: "new_energy",
    subsector: "energy_storage",
    transfer_modes: ["licensing"],
    source_countries: ["CN"],
    budget_max: 300000,
    currency: "USD",
  };
  const created = await client.POST("/api/v1/demands", {
    params: { header: { "Idempotency-Key": `example-${inst.data.id}` } },
    ...auth,
    body: demand,
  });
  if (!created.data) throw new Error(`demand: ${created.error?.type}`);
  const id = created.data.id;
  const etag = created.response.headers.get("ETag") ?? undefined;

  await client.POST("/api/v1/demands/{id}/submit", { params: { path: { id }, header: { "If-Match": etag } }, ...auth });
  await client.POST("/api/v1/demands/{id}/publish", { params: { path: { id } }, ...auth });

  const matches = await client.GET("/api/v1/demands/{id}/matches", { params: { path: { id }, query: { limit: 5 } }, ...auth });
  console.log(`demand ${id}: ${matches.data?.items.length ?? 0} suggestions (algorithm ${matches.data?.algorithm_version})`);

  // Errors are problem documents with a stable type.
  const missing = await client.GET("/api/v1/offers/{id}", { params: { path: { id: "00000000-0000-0000-0000-000000000000" } }, ...auth });
  if (missing.error?.type !== "/problems/not-found") throw new Error(`want /problems/not-found, got ${missing.error?.type}`);
  console.log(`missing offer: ${missing.response.status} ${missing.error.type}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
