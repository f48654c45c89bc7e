// What the generated types refuse at compile time. Each request below is one
// the server would answer with 422; the generated client does not let it be
// written. tsc-check.sh compiles this file twice: as it is (tsc fails when a
// marked line stops being an error) and with the markers removed, to check
// that the errors are the ones meant.
import createClient from "openapi-fetch";
import type { paths } from "./schema";

const client = createClient<paths>({ baseUrl: "http://localhost:8080" });

export async function rejected(): Promise<void> {
  // An empty demand: title, summary, language and sector are required.
  // @ts-expect-error empty demand
  await client.POST("/api/v1/demands", { body: {} });

  await client.POST("/api/v1/demands", {
    body: {
      title: "Deep-sea mining robots",
      summary: "Remote-operated collectors",
      language: "en",
      // @ts-expect-error unknown sector
      sector: "mining",
    },
  });

  await client.PATCH("/api/v1/agreements/{id}", {
    params: { path: { id: "a" }, header: { "If-Match": '"1"' } },
    // @ts-expect-error bad agreement type
    body: { type: "barter" },
  });
}
