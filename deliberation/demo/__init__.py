"""Illustrative demo data for Tuanjiehu subdistrict (团结湖街道). Not real people or records."""
