// PLACEHOLDER: replaced by the real transform (meta, cfn and cdk halves).
import { defineTransform } from '../../src/transform.js';

export default defineTransform({
  meta: { id: 'iam-scope', title: 'iam-scope', failure: '', docsUrl: '', seeAlso: [], options: {} },
});
