import { App } from 'cdktf';
import { ManagementAccountStack, SingleAccountStack } from './role-stacks';

const app = new App();
new SingleAccountStack(app, 'conductorone-aws');
new ManagementAccountStack(app, 'conductorone-aws-management');
app.synth();
