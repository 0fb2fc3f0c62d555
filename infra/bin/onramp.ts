/** The CDK entry point: `npm run synth`, `npx cdk deploy --all`. */
import { createOnrampApp } from '../app.js';

createOnrampApp().app.synth();
