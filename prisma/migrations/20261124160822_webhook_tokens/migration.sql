-- CreateTable
CREATE TABLE "webhook_tokens" (
    "id" SERIAL NOT NULL,
    "source" "DeliverySource" NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "webhook_tokens_token_hash_key" ON "webhook_tokens"("token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_tokens_source_name_key" ON "webhook_tokens"("source", "name");
