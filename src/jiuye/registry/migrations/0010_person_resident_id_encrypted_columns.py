# The identity number encrypted at rest (issue 10): the column becomes a token
# "ALG:KEYID:BASE64", beside it a blind index (unique, replacing the unique constraint
# on the number) and a masked form. Filled by 0011, made NOT NULL and unique by 0012.

import jiuye.core.encrypted
import jiuye.identity.masking
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0009_business_operating_since'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='person',
            name='registry_person_resident_id_uniq',
        ),
        migrations.AlterField(
            model_name='person',
            name='resident_id',
            field=jiuye.core.encrypted.EncryptedField(
                index='resident_id_index',
                masked='resident_id_masked',
                purpose='registry_person.resident_id',
                verbose_name='居民身份证号码',
            ),
        ),
        migrations.AddField(
            model_name='person',
            name='resident_id_index',
            field=jiuye.core.encrypted.BlindIndexField(
                blank=True, editable=False, max_length=48, null=True,
                source='resident_id', verbose_name='身份证号码盲索引',
            ),
        ),
        migrations.AddField(
            model_name='person',
            name='resident_id_masked',
            field=jiuye.core.encrypted.MaskedField(
                blank=True, editable=False, max_length=18, null=True,
                mask=jiuye.identity.masking.mask_resident_id, source='resident_id',
                verbose_name='身份证号码（脱敏）',
            ),
        ),
    ]
