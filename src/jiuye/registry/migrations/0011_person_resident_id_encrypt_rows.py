# Encrypt the identity numbers already stored (and fill their blind index and masked
# form); backwards, decrypt them. Raw SQL: the model's field would try to decrypt the
# clear numbers it reads. Needs the field keys only when there are rows.

from django.db import migrations

from jiuye.core import crypto
from jiuye.core.encrypted import rewrite_column

TABLE, COLUMN, PURPOSE = 'registry_person', 'resident_id', 'registry_person.resident_id'


def seal(rows):
    from jiuye.identity.masking import mask_resident_id

    cipher = crypto.column(PURPOSE)
    numbers = [crypto.normalise(value) for _, value in rows]
    tokens = cipher.encrypt_many(numbers)
    indexes = cipher.index_many(numbers)
    return [
        (pk, token, index, mask_resident_id(number))
        for (pk, _), number, token, index in zip(rows, numbers, tokens, indexes)
    ]


def unseal(rows):
    return [(pk, crypto.decrypt(PURPOSE, token)) for pk, token in rows]


def encrypt(apps, schema_editor):
    rewrite_column(
        schema_editor.connection, TABLE, COLUMN,
        ('resident_id', 'resident_id_index', 'resident_id_masked'), seal,
    )


def decrypt(apps, schema_editor):
    rewrite_column(schema_editor.connection, TABLE, COLUMN, ('resident_id',), unseal)


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0010_person_resident_id_encrypted_columns'),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
