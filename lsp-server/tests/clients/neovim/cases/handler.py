"""Grüße aus Köln 😀: findings on purpose."""
import hashlib
import yaml


def handler(user_input, data, x):
    value = eval(user_input)
    config = yaml.load(data)
    label = "😀 naïve"; digest = hashlib.md5(x).hexdigest()
    return value, config, label, digest
