import jiuye.core.encrypted
import jiuye.identity.masking
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0011_person_resident_id_encrypt_rows'),
    ]

    operations = [
        migrations.AlterField(
            model_name='person',
            name='resident_id_index',
            field=jiuye.core.encrypted.BlindIndexField(
                blank=True, editable=False, max_length=48,
                source='resident_id', verbose_name='身份证号码盲索引',
            ),
        ),
        migrations.AlterField(
            model_name='person',
            name='resident_id_masked',
            field=jiuye.core.encrypted.MaskedField(
                blank=True, editable=False, max_length=18,
                mask=jiuye.identity.masking.mask_resident_id, source='resident_id',
                verbose_name='身份证号码（脱敏）',
            ),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.UniqueConstraint(
                fields=('resident_id_index',), name='registry_person_resident_id_index_uniq'
            ),
        ),
    ]
