/** The CDK entry point: `npm run synth`, `npx cdk deploy --all` (with ONRAMP_ACCOUNT and ONRAMP_REGION set). */
import { createOnrampApp } from '../app.js';
import { deployAppOrigin, deployEnvironment } from '../config.js';

createOnrampApp({ env: deployEnvironment(), appOrigin: deployAppOrigin() }).app.synth();
