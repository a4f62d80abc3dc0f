// PLACEHOLDER: replaced by the real transform (meta, cfn and cdk halves).
import { defineTransform } from '../../src/transform.js';

export default defineTransform({
  meta: { id: 'cors', title: 'cors', failure: '', docsUrl: '', seeAlso: [], options: {} },
});
