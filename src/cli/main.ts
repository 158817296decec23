import { resolveAuth } from 'qwen-auth';

const auth = await resolveAuth();
console.log(auth);
