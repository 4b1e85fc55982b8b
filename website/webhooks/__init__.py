"""Webhook systems: signed tasks sent by the job runner, and the systems' signed answers."""
