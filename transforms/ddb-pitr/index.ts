// PLACEHOLDER: replaced by the real transform (meta, cfn and cdk halves).
import { defineTransform } from '../../src/transform.js';

export default defineTransform({
  meta: { id: 'ddb-pitr', title: 'ddb-pitr', failure: '', docsUrl: '', seeAlso: [], options: {} },
});
