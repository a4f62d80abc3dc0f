// PLACEHOLDER: replaced by the real transform (meta, cfn and cdk halves).
import { defineTransform } from '../../src/transform.js';

export default defineTransform({
  meta: { id: 'outputs', title: 'outputs', failure: '', docsUrl: '', seeAlso: [], options: {} },
});
