"""Thin views: ask policy, call a selector or a service, render a template."""
