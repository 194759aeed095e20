"""SCIM 2.0 provisioning (issue 16): django-scim2's views, with adapters mapped onto Tandem's people (Users) and
teams (Groups), bearer tokens for authentication, and the schemas Tandem serves (only what it stores)."""
