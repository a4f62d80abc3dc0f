// PLACEHOLDER: replaced by the real transform (meta, cfn and cdk halves).
import { defineTransform } from '../../src/transform.js';

export default defineTransform({
  meta: { id: 'depends-on', title: 'depends-on', failure: '', docsUrl: '', seeAlso: [], options: {} },
});
