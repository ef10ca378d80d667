"""Integrations: what a partner organization's own software uses, API keys and webhooks.

A coalition partner (campaigns.CampaignPartner) may hold keys to the API, scoped to
its campaign, and a webhook told of each new listed signature of that campaign. Keys
are stored as hashes; webhooks carry public fields only, signed with the webhook's
secret, and are retried by the worker until the partner's server takes them.
"""
