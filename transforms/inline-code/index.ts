// PLACEHOLDER: replaced by the real transform (meta, cfn and cdk halves).
import { defineTransform } from '../../src/transform.js';

export default defineTransform({
  meta: { id: 'inline-code', title: 'inline-code', failure: '', docsUrl: '', seeAlso: [], options: {} },
});
