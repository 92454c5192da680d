// Prints the API's OpenAPI document (built from its route tables, apps/api/src/routes.ts, and the zod
// schemas of @tandem/contracts) as JSON. backends/fastapi serves the same document: regenerate its
// copy after changing a route or the contracts with
//   npx tsx scripts/openapi-json.ts > backends/fastapi/tandem_api/openapi.json
import { buildOpenApiDocument } from "../apps/api/src/docs/openapi.ts";

process.stdout.write(`${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
