"""Views: pure data snapshots of a run (`scene`) and pygame renderers that only draw them."""
